import assert from "node:assert/strict";
import { appendFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, it } from "node:test";
import { upToDateEntryFile } from "../../src/generate/up-to-date-entry.ts";
import { answersDigest, diskFiles } from "../../src/io/source-files.ts";
import { runCli, testStore } from "../support/cli.ts";
import { temporaryRepo } from "../support/repo-fixture.ts";

/**
 * generate --check's up-to-date entry in the store (src/generate/up-to-date-entry.ts): the entry of a real check
 * is doctored to name one file only, so a run that trusts it says "1 unchanged" where a render
 * says 53. Each change below (a line appended to an input or a generated file, a manifest or a
 * file added, a generated file removed) must make the next check render again; these change
 * lengths or listings. Edits that keep every length, and new folders, are in
 * generate-check-edits.test.ts.
 */
describe("generate --check: the last up-to-date answer, kept per build", () => {
  let repo: ReturnType<typeof temporaryRepo>;
  const build = "test-build-1";
  const entry = () => upToDateEntryFile(testStore(build), repo.dir);
  const check = (options: { build?: string } = { build }) => runCli(repo.dir, ["generate", "--check"], {}, options);
  /** Checks for real, then doctors the kept entry: a check that trusts it reports 1 unchanged. */
  async function keptAndDoctored(): Promise<void> {
    const first = await check();
    assert.equal(first.exitCode, 0, first.stderr);
    assert.match(first.stderr, /0 files stale, 53 unchanged/);
    const kept = JSON.parse(readFileSync(entry(), "utf8")) as { unchanged: string[] };
    writeFileSync(entry(), JSON.stringify({ ...kept, unchanged: ["clusters/dev/kustomization.yaml"] }));
  }

  beforeEach(() => (repo = temporaryRepo()));
  afterEach(() => {
    rmSync(entry(), { force: true });
    repo.cleanup();
  });

  it("answers from the entry while the same build reads the same files", async () => {
    await keptAndDoctored();
    const again = await check();
    assert.equal(again.exitCode, 0);
    assert.match(again.stderr, /0 files stale, 1 unchanged/);
  });

  it("keeps nothing when the sources run (no build) and ignores the entry for another build", async () => {
    await keptAndDoctored();
    assert.match((await check({})).stderr, /53 unchanged/);
    assert.match((await check({ build: "test-build-2" })).stderr, /53 unchanged/);
  });

  it("reads past an entry of another shape (edited by hand): the same answer as without one, and a good entry kept", async () => {
    const fresh = await check({});
    assert.equal((await check()).exitCode, 0);
    const good = readFileSync(entry(), "utf8");
    const doctorings: [string, (kept: Record<string, unknown>) => void][] = [
      ["foreign not a list", (kept) => void (kept.foreign = 5)],
      ["unchanged a text", (kept) => void (kept.unchanged = "clusters/dev/kustomization.yaml")],
      ["a file name not a text", (kept) => void (kept.foreign = [5])],
      ["a question of another kind", (kept) => void (kept.questions = [{ open: "values/common.yaml" }])],
      ["no digest", (kept) => void delete kept.digest],
      ["the build a list", (kept) => void (kept.build = [build])],
    ];
    for (const [what, doctoring] of doctorings) {
      const kept = JSON.parse(good) as Record<string, unknown>;
      doctoring(kept);
      writeFileSync(entry(), JSON.stringify(kept));
      const result = await check();
      assert.deepEqual([result.exitCode, result.stdout, result.stderr], [0, fresh.stdout, fresh.stderr], what);
      assert.equal(readFileSync(entry(), "utf8"), good, `${what}: the entry is kept anew`);
    }
    // check reads the same entry: past a doctored one it compares the files for real.
    const compared = await runCli(repo.dir, ["check", "--no-kustomize", "--json"], {}, {});
    writeFileSync(entry(), JSON.stringify({ ...(JSON.parse(good) as object), foreign: 5, unchanged: 5 }));
    const past = await runCli(repo.dir, ["check", "--no-kustomize", "--json"], {}, { build });
    assert.equal(past.exitCode, compared.exitCode, past.stderr);
    assert.doesNotMatch(past.stderr, /last answer stands/);
    assert.deepEqual(JSON.parse(past.stdout), JSON.parse(compared.stdout));
  });

  it("does not trust an entry that read no file (it would match any tree)", async () => {
    await keptAndDoctored();
    const kept = JSON.parse(readFileSync(entry(), "utf8")) as object;
    // No questions asked: the digest of no answers, which any tree gives.
    writeFileSync(entry(), JSON.stringify({ ...kept, questions: [], digest: answersDigest(diskFiles(repo.dir), []) }));
    assert.match((await check()).stderr, /0 files stale, 53 unchanged/);
  });

  it("does not trust an entry that calls files unchanged it never read", async () => {
    await keptAndDoctored();
    const kept = JSON.parse(readFileSync(entry(), "utf8")) as object;
    const questions = [{ read: "jore4-flux.yaml" }];
    writeFileSync(
      entry(),
      JSON.stringify({ ...kept, questions, digest: answersDigest(diskFiles(repo.dir), questions) }),
    );
    assert.match((await check()).stderr, /0 files stale, 53 unchanged/);
  });

  const changes: [string, (dir: string) => void, RegExp][] = [
    [
      "a comment in the shared values",
      (dir) => appendFileSync(join(dir, "values/common.yaml"), "# note\n"),
      /53 unchanged/,
    ],
    [
      "a manifest added to a stage's manifests folder",
      (dir) => {
        mkdirSync(join(dir, "manifests/dev"), { recursive: true });
        writeFileSync(
          join(dir, "manifests/dev/extra.yaml"),
          "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\ndata:\n  a: b\n",
        );
      },
      /files stale/,
    ],
    [
      "a generated file edited",
      (dir) => appendFileSync(join(dir, "clusters/dev/kustomization.yaml"), "# edited\n"),
      /changed: clusters\/dev\/kustomization.yaml/,
    ],
    [
      "a file added to a stage folder",
      (dir) => writeFileSync(join(dir, "clusters/dev/extra.yaml"), "kind: ConfigMap\n"),
      /not generated, left alone: clusters\/dev\/extra.yaml/,
    ],
    [
      "a generated file removed",
      (dir) => rmSync(join(dir, "clusters/prod/kustomization.yaml")),
      /missing: clusters\/prod/,
    ],
  ];
  for (const [what, change, expected] of changes)
    it(`renders again after ${what}`, async () => {
      await keptAndDoctored();
      change(repo.dir);
      const result = await check();
      assert.match(result.stderr, expected);
      assert.doesNotMatch(result.stderr, /1 unchanged/);
    });
});

describe("check compares the generated files itself, whatever generate --check kept", () => {
  let repo: ReturnType<typeof temporaryRepo>;
  const build = "test-build-check";
  const run = (args: string[], options: { build?: string } = { build }) => runCli(repo.dir, args, {}, options);
  beforeEach(() => (repo = temporaryRepo()));
  afterEach(() => {
    rmSync(upToDateEntryFile(testStore(build), repo.dir), { force: true });
    repo.cleanup();
  });

  it("does not take generate --check's kept answer: the same report as without one; a hand edit is found", async () => {
    const compared = await run(["check", "--no-kustomize", "--json"], {});
    assert.equal((await run(["generate", "--check"])).exitCode, 0);
    const trusted = await run(["check", "--no-kustomize", "--json"]);
    assert.doesNotMatch(trusted.stderr, /last answer stands/);
    assert.equal(trusted.exitCode, compared.exitCode, trusted.stderr);
    assert.deepEqual(JSON.parse(trusted.stdout), JSON.parse(compared.stdout));

    appendFileSync(join(repo.dir, "clusters/dev/jore4-ui.yaml"), "# edited\n");
    const edited = await run(["check", "--no-kustomize", "--json"]);
    assert.doesNotMatch(edited.stderr, /last answer stands/);
    assert.equal(edited.exitCode, 1);
    const stale = (JSON.parse(edited.stdout) as { findings: { rule: string; file?: string }[] }).findings.filter(
      (finding) => finding.rule === "generated-up-to-date",
    );
    assert.deepEqual(
      stale.map((finding) => finding.file),
      ["clusters/dev/jore4-ui.yaml"],
    );
  });
});
