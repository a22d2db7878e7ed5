import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { runCli, runMain } from "../support/cli.ts";
import { assertGolden, outputGoldenDir } from "../support/golden.ts";
import { temporaryRepo } from "../support/repo-fixture.ts";
import { commitImage, createStageRepo, git, type StageRepo } from "../support/stage-repo.ts";

/**
 * What the commands print, against golden files in test/golden/output/ (UPDATE_GOLDEN=1 rewrites
 * them; see test/support/golden.ts): a change of a command's output shows up as a diff to review.
 * status and history are rendered from fixed models by their unit tests (status.txt, history.txt).
 */

/** The subcommands a help text lists under "Commands:", up to the next blank line (without `help`). */
function subcommands(help: string): string[] {
  const section = help.split("\nCommands:\n")[1]?.split("\n\n")[0];
  if (section === undefined) return [];
  return section
    .split("\n")
    .map((line) => /^ {2}([a-z][a-z-]*)\b/.exec(line)?.[1])
    .filter((name): name is string => name !== undefined && name !== "help");
}

describe("--help of every command (golden files: test/golden/output/help/)", () => {
  it("the program and each command and subcommand, exit 0", async () => {
    const paths: string[][] = [[]];
    // Bounded: the CLI has two levels of commands.
    for (let index = 0; index < paths.length && index < 200; index += 1) {
      const path = paths[index]!;
      const result = await runMain([...path, "--help"]);
      assert.equal(result.exitCode, 0, `${path.join(" ")}: ${result.stderr}`);
      assert.equal(result.stderr, "");
      assertGolden(join(outputGoldenDir, "help", `${["jore4-flux", ...path].join("-")}.txt`), `${result.stdout}\n`);
      paths.push(...subcommands(result.stdout).map((name) => [...path, name]));
    }
    assert.ok(paths.length > 30 && paths.length < 200, `${paths.length} help texts`);
  });
});

describe("check on the shipped configuration (golden file: test/golden/output/check.txt)", () => {
  it("the text report: what was checked, and what was skipped", async () => {
    const { dir, cleanup } = temporaryRepo();
    try {
      const result = await runCli(dir, ["check", "--no-kustomize"]);
      assert.equal(result.exitCode, 0, result.stderr);
      assertGolden(join(outputGoldenDir, "check.txt"), `stdout:\n${result.stdout}\nstderr:\n${result.stderr}\n`);
    } finally {
      cleanup();
    }
  });
});

describe("promote --dry-run (golden files: test/golden/output/promote-dry-run-*.txt)", () => {
  let repo: StageRepo;
  before(async () => {
    repo = await createStageRepo();
    // Images of this test's own, so that the hourly image bump of the shipped values changes no golden file.
    for (const service of ["auth", "hasura", "ui"])
      await commitImage(repo.root, service, `hsldevcom/jore4-${service}:golden--20260101-0000001`);
    await git(repo.root, "push", "--quiet", "origin", "main");
  });
  after(() => repo.cleanup());
  /** Commit names differ per run (dates): each 12-digit abbreviation is replaced by its order of appearance. */
  function withCommitsNamed(text: string): string {
    const names = new Map<string, string>();
    return text.replace(/\b[0-9a-f]{12}\b/g, (sha) => {
      if (!names.has(sha)) names.set(sha, `<commit ${names.size + 1}>`);
      return names.get(sha)!;
    });
  }
  const dryRun = async (name: string) => {
    const result = await runCli(repo.root, ["promote", "main", "dev", "--dry-run", "--no-fetch"]);
    assert.equal(result.exitCode, 0, result.stderr);
    assertGolden(
      join(outputGoldenDir, `promote-dry-run-${name}.txt`),
      withCommitsNamed(`stdout:\n${result.stdout}\nstderr:\n${result.stderr}\n`),
    );
  };

  it("to a stage branch that does not exist yet: every object added", async () => {
    await dryRun("new-branch");
  });

  it("after one image change on main: the image and the objects it changes", async () => {
    const promoted = await runCli(repo.root, ["promote", "main", "dev", "--yes", "--push", "--no-fetch"]);
    assert.equal(promoted.exitCode, 0, promoted.stderr);
    await git(repo.root, "switch", "--quiet", "main");
    await commitImage(repo.root, "ui", "hsldevcom/jore4-ui:main--20260101-abcdef1");
    await git(repo.root, "push", "--quiet", "origin", "main");
    await dryRun("image-change");
  });
});
