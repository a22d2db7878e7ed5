import assert from "node:assert/strict";
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { ResultPromise } from "execa";
import { leftoverWorktrees } from "../../src/git/git.ts";
import { runMain, startBinary } from "../support/cli.ts";
import { commitImage, createStageRepo, git, type StageRepo } from "../support/stage-repo.ts";
import { isAlive } from "../support/processes.ts";

/**
 * promote's temporary work trees (src/git/git.ts `inTemporaryWorktree`): a run killed while it has
 * one leaves it behind; the next run removes it and says so, and leaves a running run's alone.
 * A post-checkout hook holds a run right after `git worktree add` made its work tree (git runs
 * the hook in it), for as long as the test needs.
 */
let repo: StageRepo;
/** The hook's files: `block` makes the next temporary work tree's checkout wait for `release`. */
const signal = (name: string) => join(repo.dir, name);

async function until(what: string, done: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`waited 60 s for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The temporary work trees git lists for the repository. */
const temporaryWorktrees = async () =>
  (await git(repo.root, "worktree", "list", "--porcelain"))
    .split("\n")
    .filter((line) => line.startsWith("worktree ") && line.includes("jore4-flux-worktree-"))
    .map((line) => line.slice("worktree ".length));

/** Runs started here: stopped at the end whatever happened. */
const started: ResultPromise[] = [];

/** `promote` in a process of its own (the real binary), held in its temporary work tree. */
async function startHeld(from: string, to: string): Promise<{ run: ResultPromise; worktree: string; git: number }> {
  writeFileSync(signal("block"), "");
  const run = startBinary(repo.root, ["promote", from, to, "--yes", "--push", "--no-fetch"]);
  started.push(run);
  await until("the run to reach its work tree", () => existsSync(signal("held")));
  const [worktree, gitPid] = readFileSync(signal("held"), "utf8").trim().split("\n") as [string, string];
  return { run, worktree, git: Number(gitPid) };
}

/** Lets the held `git worktree add` finish, and waits until it has. */
async function release(held: { git: number }): Promise<void> {
  writeFileSync(signal("release"), "");
  await until("git worktree add to finish", () => !isAlive(held.git));
}

before(async () => {
  repo = await createStageRepo();
  assert.equal(
    (await runMain(["promote", "main", "dev", "--yes", "--push", "--no-fetch"], { cwd: repo.root })).exitCode,
    0,
  );
  await commitImage(repo.root, "ui", "hsldevcom/jore4-ui:v2");
  await git(repo.root, "push", "--quiet", "origin", "main");
  const hook = join(repo.root, ".git/hooks/post-checkout");
  writeFileSync(
    hook,
    `#!/bin/sh
# Holds the first temporary work tree made while ${signal("block")} exists, until ${signal("release")} does (at most 60 s).
case "$(pwd)" in */jore4-flux-worktree-*) ;; *) exit 0 ;; esac
mv "${signal("block")}" "${signal("taken")}" 2>/dev/null || exit 0
printf '%s\\n%s\\n' "$(pwd)" "$PPID" > "${signal("held")}.new" && mv "${signal("held")}.new" "${signal("held")}"
i=0
while [ ! -e "${signal("release")}" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
rm -f "${signal("held")}" "${signal("release")}" "${signal("taken")}"
`,
  );
  chmodSync(hook, 0o755);
});
after(async () => {
  writeFileSync(signal("release"), "");
  for (const run of started) run.kill("SIGKILL");
  await Promise.all(started);
  // What a failed test left in the temporary folder (a passing one leaves nothing).
  for (const dir of await temporaryWorktrees()) rmSync(dir, { recursive: true, force: true });
  repo.cleanup();
});

test("a run killed while it has its temporary work tree leaves it; the next run removes it and says so", async () => {
  const held = await startHeld("main", "dev");
  held.run.kill("SIGKILL");
  await held.run;
  await release(held);
  assert.deepEqual(await temporaryWorktrees(), [held.worktree]);
  assert.ok(existsSync(held.worktree));

  const next = await runMain(["promote", "main", "dev", "--yes", "--push", "--no-fetch"], { cwd: repo.root });
  assert.equal(next.exitCode, 0, next.stderr);
  assert.match(
    next.stderr,
    new RegExp(
      `^removed a temporary work tree left by an earlier run: ${held.worktree.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`,
      "m",
    ),
  );
  assert.deepEqual(await temporaryWorktrees(), []);
  assert.equal(existsSync(held.worktree), false);
});

test("a running promotion's work tree is left alone by another run, and the promotion completes", async () => {
  await commitImage(repo.root, "ui", "hsldevcom/jore4-ui:v3");
  await git(repo.root, "push", "--quiet", "origin", "main");
  const held = await startHeld("main", "dev");
  const other = await runMain(["promote", "dev", "test", "--yes", "--push", "--no-fetch"], { cwd: repo.root });
  assert.equal(other.exitCode, 0, other.stderr);
  assert.doesNotMatch(other.stderr, /removed a temporary work tree/);
  assert.deepEqual(await temporaryWorktrees(), [held.worktree]);
  assert.ok(existsSync(held.worktree));

  await release(held);
  const result = await held.run;
  assert.equal(result.exitCode, 0, String(result.stderr));
  assert.deepEqual(await temporaryWorktrees(), []);
  assert.match(await git(repo.root, "show", "dev:clusters/dev/jore4-ui.yaml"), /jore4-ui:v3/);
});

test("leftoverWorktrees: only this tool's locked work trees of this machine whose run no longer runs", () => {
  const list = [
    "worktree /repo\nHEAD 1111\nbranch refs/heads/main",
    "worktree /tmp/jore4-flux-worktree-dead\nHEAD 2222\ndetached\nlocked jore4-flux temporary work tree of process 41 on here",
    "worktree /tmp/jore4-flux-worktree-alive\nHEAD 3333\ndetached\nlocked jore4-flux temporary work tree of process 42 on here",
    "worktree /tmp/jore4-flux-worktree-elsewhere\nHEAD 4444\ndetached\nlocked jore4-flux temporary work tree of process 41 on there",
    "worktree /tmp/jore4-flux-worktree-unlocked\nHEAD 5555\ndetached",
    "worktree /tmp/jore4-flux-worktree-by-hand\nHEAD 6666\ndetached\nlocked mine, keep it",
    "worktree /home/me/other\nHEAD 7777\ndetached\nlocked jore4-flux temporary work tree of process 41 on here",
  ].join("\n\n");
  assert.deepEqual(
    leftoverWorktrees(`${list}\n\n`, "here", (pid) => pid === 42),
    ["/tmp/jore4-flux-worktree-dead"],
  );
});
