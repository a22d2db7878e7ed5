import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, afterEach, before, beforeEach, test } from "node:test";
import { execa } from "execa";
import { ExitCode } from "../../src/errors.ts";
import { generate } from "../../src/generate/generate.ts";
import { binaryArgv } from "../support/cli.ts";
import {
  commitImage,
  copyStageRepo,
  createStageRepo,
  git,
  repositoryState,
  runCli,
  type StageRepo,
} from "../support/stage-repo.ts";

/**
 * Edges of the git transaction that rollback, hotfix and promote share (src/promotion/transaction.ts):
 * a result whose clusters/ would be stale is refused with commands that really fix it, and `--push`
 * with nowhere to push to is refused before anything happens.
 */
let template: StageRepo;
let repo: StageRepo;

before(async () => (template = await createStageRepo()));
beforeEach(async () => (repo = await copyStageRepo(template)));
afterEach(() => repo.cleanup());
after(() => template.cleanup());

/** Edits a file of the repository, regenerates clusters/ and commits everything; returns the commit. */
async function commitEdit(file: string, edit: (text: string) => string, message: string): Promise<string> {
  const path = join(repo.root, file);
  writeFileSync(path, edit(readFileSync(path, "utf8")));
  generate(repo.root, { progress: () => {} });
  await git(repo.root, "add", "--all");
  await git(repo.root, "commit", "--quiet", "-m", message);
  return git(repo.root, "rev-parse", "HEAD");
}

/** Runs the hint of a refusal as a user would paste it, with this checkout's CLI in place of npx. */
async function runHint(stderr: string): Promise<void> {
  const hint = stderr
    .split("\n")
    .find((line) => line.startsWith("hint: "))
    ?.slice("hint: ".length);
  assert.ok(hint, stderr);
  const cli = binaryArgv(undefined, []).join(" ");
  const byHand = await execa("sh", ["-c", hint.replaceAll("npx jore4-flux", cli)], { cwd: repo.root, reject: false });
  assert.equal(byHand.exitCode, 0, `${hint}\n${byHand.stderr}`);
}

test("rollback of a namespace change after a later commit: the revert leaves clusters/ stale, so it is refused with commands that do it right", async () => {
  const renamed = await commitEdit(
    "values/common.yaml",
    (text) => text.replace("namespace: hsl-jore4\n", "namespace: hsl-jore4-next\n"),
    "namespace: hsl-jore4-next",
  );
  // Rendered in the new namespace: reverting the rename leaves this new file in it.
  await commitEdit("values/dev.yaml", (text) => `${text}  testdb:\n    enabled: true\n`, "dev: the test database");
  await git(repo.root, "push", "--quiet", "origin", "main");
  const state = await repositoryState(repo.root);

  const refused = await runCli(repo.root, "rollback", renamed);
  assert.equal(refused.exitCode, ExitCode.refused, refused.stderr);
  const lines = refused.stderr.split("\n");
  assert.ok(
    lines.includes(
      `error: cannot roll back ${renamed.slice(0, 12)}; nothing was changed: generate --check fails on main with the revert: 1 file(s) in clusters/ do not match the values (clusters/dev/jore4-testdb.yaml)`,
    ),
    refused.stderr,
  );
  assert.equal(await repositoryState(repo.root), state, "nothing changed");

  // The hint's commands make the revert with clusters/ regenerated, and rollback then knows it for done.
  await runHint(refused.stderr);
  const check = await runCli(repo.root, "generate", "--check");
  assert.equal(check.exitCode, 0, check.stderr);
  assert.match(await git(repo.root, "show", "main:clusters/dev/jore4-testdb.yaml"), /namespace: hsl-jore4\n/);
  await git(repo.root, "push", "--quiet", "origin", "main");
  const again = await runCli(repo.root, "rollback", renamed);
  assert.equal(again.exitCode, 0, again.stderr);
  assert.match(again.stderr, /is already rolled back on main by [0-9a-f]{12}; nothing to do/);
});

test("hotfix finish whose back-port leaves main's clusters/ stale is refused with commands that do it right", async () => {
  await git(repo.root, "push", "--quiet", "origin", "main:prod");
  await git(repo.root, "branch", "--quiet", "--track", "prod", "origin/prod");
  // Since prod's base, main rendered a new file into clusters/prod/ in the namespace the hotfix renames.
  await commitEdit("values/prod.yaml", (text) => `${text}  testdb:\n    enabled: true\n`, "prod: the test database");
  await git(repo.root, "push", "--quiet", "origin", "main");
  assert.equal((await runCli(repo.root, "hotfix", "start", "rename")).exitCode, 0);
  await commitEdit("values/prod.yaml", (text) => `namespace: hsl-jore4-prod\n${text}`, "prod: namespace of its own");
  const state = await repositoryState(repo.root);

  const refused = await runCli(repo.root, "hotfix", "finish", "--yes");
  assert.equal(refused.exitCode, ExitCode.refused, refused.stderr);
  assert.ok(
    refused.stderr
      .split("\n")
      .includes(
        "error: cannot finish hotfix/rename; nothing was changed: generate --check fails on main with the hotfix: 1 file(s) in clusters/ do not match the values (clusters/prod/jore4-testdb.yaml)",
      ),
    refused.stderr,
  );
  assert.equal(await repositoryState(repo.root), state, "nothing changed");

  await runHint(refused.stderr);
  for (const branch of ["main", "prod"]) {
    await git(repo.root, "switch", "--quiet", branch);
    const check = await runCli(repo.root, "generate", "--check");
    assert.equal(check.exitCode, 0, `${branch}: ${check.stderr}`);
    assert.match(await git(repo.root, "show", `${branch}:clusters/prod/namespace.yaml`), /^ {2}name: hsl-jore4-prod$/m);
  }
});

const noRemote = (stderr: string) =>
  assert.deepEqual(stderr.split("\n"), [
    "error: --push: this repository has no remote to push to",
    "hint: git remote add origin <url>, or leave out --push",
  ]);

test("rollback --push in a repository without a remote is refused as bad input before anything is done", async () => {
  const bad = await commitImage(repo.root, "ui", "hsldevcom/jore4-ui:broken");
  await git(repo.root, "remote", "remove", "origin");
  const state = await repositoryState(repo.root);
  const run = await runCli(repo.root, "rollback", bad, "--push");
  assert.equal(run.exitCode, ExitCode.invalid, run.stderr);
  noRemote(run.stderr);
  assert.equal(await repositoryState(repo.root), state, "nothing changed");
});

test("hotfix finish --push in a repository without a remote is refused as bad input before anything is done", async () => {
  await git(repo.root, "remote", "remove", "origin");
  await git(repo.root, "branch", "prod");
  const started = await runCli(repo.root, "hotfix", "start", "ui-crash");
  assert.equal(started.exitCode, 0, started.stderr);
  await commitImage(repo.root, "ui", "hsldevcom/jore4-ui:fixed", { stage: "prod" });
  const state = await repositoryState(repo.root);
  const run = await runCli(repo.root, "hotfix", "finish", "--push", "--yes");
  assert.equal(run.exitCode, ExitCode.invalid, run.stderr);
  noRemote(run.stderr);
  assert.equal(await repositoryState(repo.root), state, "nothing changed");
});
