import type { ProjectConfig } from "../config/project.ts";
import { progress, type Context } from "../context.ts";
import { ExitCode, Jore4FluxError } from "../errors.ts";
import type { Git } from "../git/git.ts";
import { trailerKeys, withTrailer } from "./message.ts";
import { finalStage, pathTo } from "./order.ts";
import { branchRefusals, cleanTreeRefusals, staleGenerateRefusals } from "./preflight.ts";
import { refuse, requireRemoteForPush } from "./promote.ts";
import {
  branchState,
  fetchRemote,
  moveBranches,
  pushOrRestore,
  remoteFor,
  snapshotRefs,
  staleGeneratedFiles,
} from "./repository.ts";

export interface RollbackResult {
  rolledBack: string;
  revert: string;
  pushed: boolean;
  /** The promotions that carry the revert to the stages, in order. */
  promotions: { from: string; to: string }[];
  /** The commit was rolled back by an earlier run: `revert` is that run's commit. */
  alreadyDone: boolean;
}

/**
 * Reverts a change on the main branch with a new commit (never a reset: the history must keep
 * showing that the faulty configuration was deployed), ready to be promoted stage by stage.
 */
export async function rollback(
  git: Git,
  config: ProjectConfig,
  rev: string,
  options: { push: boolean; fetch: boolean; context: Context; yes?: boolean },
): Promise<RollbackResult> {
  const main = config.repository.mainBranch;
  const remote = await remoteFor(git);
  requireRemoteForPush(options.push, remote);
  if (remote && options.fetch) await fetchRemote(git, remote);
  const target = await git.commit(rev);
  if (!target) throw new Jore4FluxError(`'${rev}' names no commit`, { exitCode: ExitCode.invalid });
  const state = await branchState(git, main, remote);
  const refusals = [...cleanTreeRefusals(await git.uncleanPaths()), ...branchRefusals(state, remote)];
  if (state.local && !(await git.isAncestor(target, state.local))) {
    refusals.push({
      reason: `${target.slice(0, 12)} is not on ${main}: rollback reverts changes made on ${main}, which then travel through the stages`,
      fix: `git branch --contains ${target.slice(0, 12)}   # a change made only on a stage branch is a hotfix: jore4-flux hotfix start`,
    });
  }
  if (refusals.length > 0) throw refuse(`cannot roll back ${target.slice(0, 12)}`, refusals);
  const promotions = pathTo(config, finalStage(config)).map((stage) => ({ from: stage.promotedFrom, to: stage.name }));
  // A second run changes nothing: the revert that is already on main is the answer.
  const earlier = (
    await git.run([
      "log",
      "--format=%H",
      "--fixed-strings",
      `--grep=${trailerKeys.rollbackOf}: ${target}`,
      state.local!,
      "--",
    ])
  )
    .split("\n")
    .find(Boolean);
  if (earlier) {
    progress(
      options.context,
      `${target.slice(0, 12)} is already rolled back on ${main} by ${earlier.slice(0, 12)}; nothing to do`,
    );
    return { rolledBack: target, revert: earlier, pushed: false, promotions, alreadyDone: true };
  }

  const snapshot = await snapshotRefs(git);
  const isMerge = (await git.run(["rev-list", "--parents", "-n", "1", target])).trim().split(" ").length > 2;
  const revert = await git.inTemporaryWorktree(state.local!, async (worktree) => {
    const reverted = await worktree.attempt(["revert", "--no-commit", ...(isMerge ? ["-m", "1"] : []), target]);
    if (reverted.exitCode !== 0) {
      await worktree.attempt(["revert", "--abort"]);
      throw new Jore4FluxError(
        `reverting ${target.slice(0, 12)} conflicts with later changes on ${main}; nothing was changed`,
        {
          exitCode: ExitCode.failed,
          hint: `revert by hand: git switch ${main} && git revert ${target.slice(0, 12)}   # resolve, run jore4-flux generate, commit`,
        },
      );
    }
    const subject = (await worktree.run(["log", "-1", "--format=%s", target])).trim();
    const message = withTrailer(
      `Revert "${subject}"\n\nThis reverts commit ${target}.`,
      trailerKeys.rollbackOf,
      target,
    );
    const stale = staleGeneratedFiles(worktree.cwd);
    if (stale.length > 0)
      throw refuse(
        `cannot roll back ${target.slice(0, 12)}; nothing was changed`,
        staleGenerateRefusals(`${main} with the revert`, stale),
      );
    const committed = await worktree.attempt(["commit", "--quiet", "--allow-empty", "-m", message]);
    if (committed.exitCode !== 0) {
      throw new Jore4FluxError(`the revert commit failed: ${(committed.stderr || committed.stdout).trim()}`, {
        exitCode: ExitCode.failed,
        hint: "nothing was changed",
      });
    }
    return (await worktree.commit("HEAD"))!;
  });
  const moves = [{ branch: main, from: state.local, to: revert }];
  await moveBranches(git, moves, `jore4-flux: roll back ${target.slice(0, 12)}`);
  progress(options.context, `${main} is now ${revert.slice(0, 12)}: reverts ${target.slice(0, 12)}`);
  if (options.push && remote) await pushOrRestore(git, remote, moves, snapshot);
  return { rolledBack: target, revert, pushed: Boolean(options.push && remote), promotions, alreadyDone: false };
}
