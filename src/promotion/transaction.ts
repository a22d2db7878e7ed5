import { progress, type Context } from "../context.ts";
import { ExitCode, Jore4FluxError } from "../errors.ts";
import type { Git, GitResult } from "../git/git.ts";
import {
  branchRefusals,
  cleanTreeRefusals,
  refusalProblems,
  staleGenerateRefusals,
  type Refusal,
} from "./preflight.ts";
import { branchRef, type BranchState } from "../git/branches.ts";
import { fetchRemote, remoteFor, staleGeneratedFiles } from "./repository.ts";

/**
 * The one git transaction that promote, hotfix and rollback share: fetch, refuse on an unclean
 * tree or diverged branches, make the new commits in temporary work trees (the user's is never
 * touched; a failed attempt is aborted, a result with stale clusters/ refused), then move every
 * branch together and push them all or restore them. Each command adds only its own step
 * (src/promotion/promote.ts, hotfix.ts, rollback.ts).
 */

export function refuse(summary: string, refusals: readonly Refusal[]): Jore4FluxError {
  return new Jore4FluxError(
    refusals.length === 1 ? `${summary}: ${refusals[0]!.reason}` : `${summary}: ${refusals.length} problems`,
    {
      exitCode: ExitCode.refused,
      problems: refusalProblems(refusals),
      hint: refusals.length === 1 ? refusals[0]!.fix : "fix each problem above (the command under each) and run again",
    },
  );
}

export function requireRemoteForPush(push: boolean, remote: string | undefined): void {
  if (push && !remote)
    throw new Jore4FluxError("--push: this repository has no remote to push to", {
      exitCode: ExitCode.invalid,
      hint: "git remote add origin <url>, or leave out --push",
    });
}

/**
 * The remote branches are published to, checked against `--push` and fetched (unless
 * `--no-fetch`), after removing the temporary work trees a killed run left (a running one's stay).
 */
export async function openTransaction(
  context: Context,
  git: Git,
  options: { fetch: boolean; push?: boolean },
): Promise<string | undefined> {
  for (const dir of await git.removeLeftoverWorktrees())
    progress(context, `removed a temporary work tree left by an earlier run: ${dir}`);
  const remote = await remoteFor(git);
  if (options.push !== undefined) requireRemoteForPush(options.push, remote);
  if (remote && options.fetch) {
    progress(context, `fetching ${remote}…`);
    await fetchRemote(git, remote);
  }
  return remote;
}

/** The refusals every transaction starts with: an unclean work tree, and branches that differ from their remote. */
export async function treeAndBranchRefusals(
  git: Git,
  remote: string | undefined,
  branches: readonly { state: BranchState; mayBeMissing?: boolean }[],
): Promise<Refusal[]> {
  return [
    ...cleanTreeRefusals(await git.uncleanPaths()),
    ...branches.flatMap(({ state, mayBeMissing }) => branchRefusals(state, remote, mayBeMissing)),
  ];
}

/** One git command of a step, run in the temporary work tree. */
export interface WorktreeCommand {
  args: string[];
  /** Undoes a half-done command (e.g. `merge --abort`) before the failure is reported. */
  abort?: string[];
  /** The error a failure ends in. */
  failure: (result: GitResult) => Jore4FluxError;
}

/**
 * Runs `commands` in a temporary work tree at `at` and returns the commit they end on, after
 * checking that clusters/ is up to date there (`stale`: what the refusal names, and the commands
 * that fix it when `what` is not a branch; see staleGenerateRefusals).
 */
export async function commitInWorktree(
  git: Git,
  at: string,
  commands: readonly WorktreeCommand[],
  stale: { summary: string; what: string; fix?: string },
): Promise<string> {
  return git.inTemporaryWorktree(at, async (worktree) => {
    for (const command of commands) {
      const result = await worktree.attempt(command.args);
      if (result.exitCode !== 0) {
        if (command.abort) await worktree.attempt(command.abort);
        throw command.failure(result);
      }
    }
    const staleFiles = staleGeneratedFiles(worktree.cwd);
    if (staleFiles.length > 0) throw refuse(stale.summary, staleGenerateRefusals(stale.what, staleFiles, stale.fix));
    return (await worktree.commit("HEAD"))!;
  });
}

export interface BranchMove {
  branch: string;
  /** Where the branch is now (undefined: the transaction creates it); it moves only if it still is there. */
  from: string | undefined;
  to: string;
}

/** Moves every branch of the transaction at once, says where they are, and pushes them all or restores them. */
export async function closeTransaction(
  context: Context,
  git: Git,
  options: { remote: string | undefined; push: boolean; moves: readonly BranchMove[]; reason: string; done: string },
): Promise<boolean> {
  await moveBranches(git, options.moves, options.reason);
  progress(context, options.done);
  if (!options.push || !options.remote) return false;
  progress(context, `pushing ${options.moves.map((move) => move.branch).join(", ")} to ${options.remote}…`);
  await pushOrRestore(git, options.remote, options.moves);
  return true;
}

/**
 * Moves local branches to new commits all at once, each only if it still holds what we planned
 * from. The checked-out branch is fast-forwarded in the user's (clean) work tree so that its
 * files follow; if that fails, the other branches are put back.
 */
async function moveBranches(git: Git, moves: readonly BranchMove[], reason: string): Promise<void> {
  const current = await git.currentBranch();
  const others = moves.filter((move) => move.branch !== current);
  const checkedOut = moves.find((move) => move.branch === current);
  await git.updateRefs(
    others.map((move) => ({ ref: branchRef(move.branch), from: move.from, to: move.to })),
    reason,
  );
  if (!checkedOut) return;
  const result = await git.attempt(["merge", "--ff-only", "--quiet", checkedOut.to]);
  if (result.exitCode !== 0) {
    await git.updateRefs(
      others.map((move) => ({ ref: branchRef(move.branch), from: move.to, to: move.from })),
      `jore4-flux: undo ${reason}`,
    );
    throw new Jore4FluxError(
      `could not fast-forward the checked-out branch ${current}: ${result.stderr.trim()}; no branch was changed`,
      { exitCode: ExitCode.failed },
    );
  }
}

/** Puts moved branches back where they were (local refs only: this restores, it rewrites nothing published). */
async function restoreBranches(git: Git, moves: readonly BranchMove[]): Promise<void> {
  const current = await git.currentBranch();
  for (const move of moves) {
    if (move.branch === current && move.from) await git.run(["reset", "--keep", "--quiet", move.from]);
    else
      await git.updateRefs(
        [{ ref: branchRef(move.branch), from: move.to, to: move.from }],
        "jore4-flux: restore after a failed push",
      );
  }
}

/** Pushes branches, never with force, all or none; a rejection puts the local branches back. */
async function pushOrRestore(git: Git, remote: string, moves: readonly BranchMove[]): Promise<void> {
  const refspecs = moves.map((move) => `${branchRef(move.branch)}:${branchRef(move.branch)}`);
  // --set-upstream so that a branch the command created tracks its remote like any other.
  const result = await git.attempt(["push", "--atomic", "--porcelain", "--set-upstream", remote, ...refspecs]);
  if (result.exitCode === 0) return;
  await restoreBranches(git, moves);
  throw new Jore4FluxError(
    `push to ${remote} was rejected (${(result.stderr || result.stdout).trim().split("\n").at(-1)}); ${moves.map((move) => move.branch).join(", ")} restored to where ${moves.length > 1 ? "they were" : "it was"} before this command`,
    { exitCode: ExitCode.failed, hint: `git fetch ${remote}, look at what changed there, and run the command again` },
  );
}
