import assert from "node:assert/strict";
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, afterEach, before, beforeEach, test } from "node:test";
import { ExitCode, Jore4FluxError } from "../../src/errors.ts";
import { Git } from "../../src/git/git.ts";
import { diskFiles } from "../../src/io/source-files.ts";
import { finishHotfix, startHotfix } from "../../src/promotion/hotfix.ts";
import { applyPromotion, planPromotion } from "../../src/promotion/promote.ts";
import { testContext } from "../support/cli.ts";
import { loadProjectConfig } from "../../src/config/load.ts";
import { setImageInText } from "../../src/values/set-image.ts";
import {
  cloneRepo,
  commitImage,
  copyStageRepo,
  createStageRepo,
  git,
  repositoryState,
  runCli,
  type StageRepo,
} from "../support/stage-repo.ts";

/** Progress goes nowhere a test reads; every confirmation is answered by `yes: true`. */
const quiet = testContext();
let repo: StageRepo;

const config = () => loadProjectConfig(diskFiles(repo.root)).config;

async function promote(from: string, to: string, root = repo.root): Promise<string> {
  const gitRepo = new Git(quiet.run, root);
  const plan = await planPromotion(gitRepo, loadProjectConfig(diskFiles(root)).config, from, to, {
    fetch: true,
    context: quiet,
  });
  return (await applyPromotion(gitRepo, plan, { push: true, context: quiet, yes: true })).commit!;
}

/** A new ui image committed on main and pushed. */
async function publishUiImage(tag: string): Promise<void> {
  await commitImage(repo.root, "ui", `hsldevcom/jore4-ui:${tag}`);
  await git(repo.root, "push", "--quiet", "origin", "main");
}

function installFailingHook(path: string, message: string): void {
  writeFileSync(path, `#!/bin/sh\necho '${message}' >&2\nexit 1\n`);
  chmodSync(path, 0o755);
}

/** Asserts that `work` fails with `exitCode` and leaves refs, index and work tree exactly as they were. */
async function assertRefusedUnchanged(
  work: () => Promise<unknown>,
  exitCode: ExitCode,
  message: RegExp,
): Promise<Jore4FluxError> {
  const before = await repositoryState(repo.root);
  const error = await work().then(
    () => assert.fail("expected a refusal"),
    (caught: unknown) => caught,
  );
  assert.ok(error instanceof Jore4FluxError, String(error));
  assert.equal(error.exitCode, exitCode, error.message);
  assert.match(
    [error.message, ...error.problems.map((problem) => problem.message), error.hint ?? ""].join("\n"),
    message,
  );
  assert.equal(await repositoryState(repo.root), before, "refs, index and work tree must be unchanged");
  return error;
}

let template: StageRepo;

before(async () => {
  repo = template = await createStageRepo();
  await promote("main", "dev");
  await promote("dev", "test");
  await promote("test", "prod");
});

beforeEach(async () => {
  repo = await copyStageRepo(template);
});

afterEach(() => repo.cleanup());
after(() => template.cleanup());

test("a dirty work tree is refused (exit 4) with the command that fixes it", async () => {
  writeFileSync(join(repo.root, "values/dev.yaml"), "# edited\n", { flag: "a" });
  const run = await runCli(repo.root, "promote", "main", "dev");
  assert.equal(run.exitCode, ExitCode.refused, run.stderr);
  assert.match(run.stderr, /uncommitted changes \(.*values\/dev\.yaml/);
  assert.match(run.stderr, /git stash --include-untracked/);
});

test("skipping a stage (main → prod) is refused and the path is printed", async () => {
  const run = await runCli(repo.root, "promote", "main", "prod", "--yes");
  assert.equal(run.exitCode, ExitCode.refused, run.stderr);
  assert.match(run.stderr, /main → prod skips a stage: prod is promoted from test only/);
  assert.match(
    run.stderr,
    /jore4-flux promote main dev\n\s+jore4-flux promote dev test\n\s+jore4-flux promote test prod/,
  );
});

test("prod needs confirmation: without a terminal and without --yes it is refused and nothing changes", async () => {
  await publishUiImage("v2");
  await promote("main", "dev");
  await promote("dev", "test");
  const before = await repositoryState(repo.root);
  const run = await runCli(repo.root, "promote", "test", "prod");
  assert.equal(run.exitCode, ExitCode.refused, run.stderr);
  assert.match(run.stderr, /needs confirmation \(promote test to prod \(1 image change\(s\)\)\?\)/);
  assert.equal(await repositoryState(repo.root), before);
});

test("--dry-run prints the image and object changes for clusters/<to> and changes nothing", async () => {
  await publishUiImage("v2");
  const before = await repositoryState(repo.root);
  const run = await runCli(repo.root, "promote", "main", "dev", "--dry-run", "--json");
  assert.equal(run.exitCode, 0, run.stderr);
  const plan = JSON.parse(run.stdout);
  assert.deepEqual(plan.images, [
    {
      service: "ui",
      from: "hsldevcom/jore4-ui:fix-docker-css--72224fc7574d8fb4486b43d8abc6afcf1b7f14c6",
      to: "hsldevcom/jore4-ui:v2",
    },
  ]);
  assert.deepEqual(plan.objects, [
    { change: "changed", object: "Deployment/hsl-jore4/jore4-ui", file: "clusters/dev/jore4-ui.yaml" },
  ]);
  assert.equal(await repositoryState(repo.root), before);
});

test("a promotion with nothing new still records itself with an empty commit", async () => {
  const devBefore = await git(repo.root, "rev-parse", "dev");
  const commit = await promote("main", "dev");
  assert.equal(await git(repo.root, "rev-parse", `${commit}^`), devBefore);
  assert.equal(await git(repo.root, "diff", "--name-only", devBefore, commit), "");
  assert.match(await git(repo.root, "log", "-1", "--format=%B", commit), /^Promoted-From: main$/m);
});

test("stale clusters/ on the source (generate --check fails) is refused", async () => {
  const file = "values/common.yaml";
  writeFileSync(
    join(repo.root, file),
    setImageInText(file, readFileSync(join(repo.root, file), "utf8"), "ui", "hsldevcom/jore4-ui:v2", [
      "auth",
      "hasura",
      "ui",
      "testdb",
    ]),
  );
  await git(repo.root, "commit", "--quiet", "-am", "ui: v2, without running generate");
  await git(repo.root, "push", "--quiet", "origin", "main");
  await assertRefusedUnchanged(
    () => promote("main", "dev"),
    ExitCode.refused,
    /generate --check fails on main[\s\S]*jore4-flux generate/,
  );
});

test("a diverged remote is refused: someone else promoted while we had a local promotion", async () => {
  const other = await cloneRepo(repo, "other");
  await git(other, "branch", "--quiet", "--track", "dev", "origin/dev");
  await commitImage(other, "ui", "hsldevcom/jore4-ui:theirs");
  await git(other, "push", "--quiet", "origin", "main");
  await promote("main", "dev", other);
  // Our local dev gets a promotion that was never pushed.
  const gitRepo = new Git(quiet.run, repo.root);
  const plan = await planPromotion(gitRepo, config(), "main", "dev", { fetch: false, context: quiet });
  await applyPromotion(gitRepo, plan, { push: false, context: quiet, yes: true });
  await assertRefusedUnchanged(
    () => promote("dev", "test"),
    ExitCode.refused,
    /dev and origin\/dev have diverged \(1 local and 2 remote commits\)/,
  );
});

test("an un-back-ported hotfix on the target is refused, listing the commit and the cherry-pick command", async () => {
  await git(repo.root, "switch", "--quiet", "prod");
  const direct = await commitImage(repo.root, "ui", "hsldevcom/jore4-ui:direct-fix", {
    message: "ui: fixed directly on prod",
  });
  await git(repo.root, "push", "--quiet", "origin", "prod");
  await git(repo.root, "switch", "--quiet", "main");
  const error = await assertRefusedUnchanged(
    () => promote("test", "prod"),
    ExitCode.refused,
    new RegExp(`prod has 1 commit\\(s\\) that test lacks.*${direct.slice(0, 12)} ui: fixed directly on prod`),
  );
  assert.match(
    error.hint ?? "",
    new RegExp(
      `git switch main && git cherry-pick -x ${direct.slice(0, 12)} && jore4-flux promote main dev && jore4-flux promote dev test`,
    ),
  );
});

test("a failing pre-merge-commit hook leaves every ref, the index and the work tree byte-identical", async () => {
  await publishUiImage("v2");
  installFailingHook(join(repo.root, ".git/hooks/pre-merge-commit"), "policy: merges are frozen");
  await assertRefusedUnchanged(
    () => promote("main", "dev"),
    ExitCode.failed,
    /policy: merges are frozen[\s\S]*nothing was changed/,
  );
  assert.equal(
    await git(repo.root, "worktree", "list", "--porcelain").then(
      (text) => text.split("\n").filter((line) => line.startsWith("worktree ")).length,
    ),
    1,
  );
});

test("a push the remote rejects restores the local branch and says so", async () => {
  await publishUiImage("v2");
  installFailingHook(join(repo.dir, "remote.git/hooks/pre-receive"), "remote: dev is locked");
  await assertRefusedUnchanged(
    () => promote("main", "dev"),
    ExitCode.failed,
    /push to origin was rejected[\s\S]*dev restored to where it was before/,
  );
});

test("a hotfix that conflicts with main aborts cleanly: prod and main stay as they were, and the manual steps are printed", async () => {
  await publishUiImage("main-moved-on");
  await startHotfix(new Git(quiet.run, repo.root), config(), "clash", { fetch: true, context: quiet, yes: true });
  const fix = await commitImage(repo.root, "ui", "hsldevcom/jore4-ui:hotfix", { message: "ui: hotfix" });
  const error = await assertRefusedUnchanged(
    () =>
      finishHotfix(new Git(quiet.run, repo.root), config(), "clash", {
        push: true,
        fetch: true,
        context: quiet,
        yes: true,
      }),
    ExitCode.failed,
    /does not apply cleanly to main.*nothing was changed \(prod and main are as they were\)/,
  );
  assert.match(error.hint ?? "", new RegExp(`git switch main && git cherry-pick -x ${fix.slice(0, 12)}`));
  assert.equal(await git(repo.root, "rev-parse", "prod"), await git(repo.root, "rev-parse", "origin/prod"));
});

test("rollback --through prod reverts on main and carries the revert to prod; a second run changes nothing", async () => {
  const bad = await commitImage(repo.root, "hasura", "hsldevcom/jore4-hasura:broken");
  await git(repo.root, "push", "--quiet", "origin", "main");
  await promote("main", "dev");
  const run = await runCli(repo.root, "rollback", bad, "--through", "prod", "--push", "--yes", "--json");
  assert.equal(run.exitCode, 0, run.stderr);
  const result = JSON.parse(run.stdout);
  assert.equal(result.rolledBack, bad);
  assert.deepEqual(
    result.promoted.map((step: { to: string }) => step.to),
    ["dev", "test", "prod"],
  );
  assert.deepEqual(result.remaining, []);
  for (const branch of ["main", "dev", "test", "prod"]) {
    assert.equal(
      await git(repo.root, "rev-parse", branch),
      await git(repo.root, "rev-parse", `origin/${branch}`),
      `${branch} pushed`,
    );
    assert.match(
      await git(repo.root, "show", `${branch}:clusters/dev/jore4-hasura.yaml`),
      /image: hsldevcom\/jore4-hasura:fix-metadata--/,
    );
  }
  assert.equal(
    await git(repo.root, "rev-list", "--count", `${bad}..main`),
    "1",
    "one revert commit on top, nothing reset",
  );
  const before = await repositoryState(repo.root);
  const again = await runCli(repo.root, "rollback", bad, "--json");
  assert.equal(again.exitCode, 0, again.stderr);
  assert.equal(JSON.parse(again.stdout).alreadyDone, true);
  assert.match(again.stderr, /is already rolled back on main by [0-9a-f]{12}; nothing to do/);
  assert.equal(await repositoryState(repo.root), before);
});

test("rollback refuses a commit that is not on main (a stage-only change is a hotfix)", async () => {
  await git(repo.root, "switch", "--quiet", "prod");
  const direct = await commitImage(repo.root, "ui", "hsldevcom/jore4-ui:direct", { message: "direct on prod" });
  await git(repo.root, "push", "--quiet", "origin", "prod");
  await git(repo.root, "switch", "--quiet", "main");
  const run = await runCli(repo.root, "rollback", direct);
  assert.equal(run.exitCode, ExitCode.refused, run.stderr);
  assert.match(run.stderr, /is not on main: rollback reverts changes made on main/);
  assert.match(run.stderr, /hotfix start/);
});
