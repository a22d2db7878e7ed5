import type { ProjectConfig } from "../config/project.ts";
import { progress, type Context } from "../context.ts";
import { ExitCode, Jore4FluxError } from "../errors.ts";
import type { Git } from "../git/git.ts";
import { trailerKeys, withTrailer } from "./message.ts";
import { finalStage, pathTo } from "./order.ts";
import { branchState } from "../git/branches.ts";
import { closeTransaction, commitInWorktree, openTransaction, refuse, treeAndBranchRefusals } from "./transaction.ts";

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
  const remote = await openTransaction(options.context, git, options);
  const target = await git.commit(rev);
  if (!target) throw new Jore4FluxError(`'${rev}' names no commit`, { exitCode: ExitCode.invalid });
  const state = await branchState(git, main, remote);
  const refusals = await treeAndBranchRefusals(git, remote, [{ state }]);
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

  const isMerge = (await git.run(["rev-list", "--parents", "-n", "1", target])).trim().split(" ").length > 2;
  const subject = (await git.run(["log", "-1", "--format=%s", target])).trim();
  const message = withTrailer(`Revert "${subject}"\n\nThis reverts commit ${target}.`, trailerKeys.rollbackOf, target);
  const revert = await commitInWorktree(
    git,
    state.local!,
    [
      {
        args: ["revert", "--no-commit", ...(isMerge ? ["-m", "1"] : []), target],
        abort: ["revert", "--abort"],
        failure: () =>
          new Jore4FluxError(
            `reverting ${target.slice(0, 12)} conflicts with later changes on ${main}; nothing was changed`,
            {
              exitCode: ExitCode.failed,
              hint: `revert by hand: git switch ${main} && git revert ${target.slice(0, 12)}   # resolve, run jore4-flux generate, commit`,
            },
          ),
      },
      {
        args: ["commit", "--quiet", "--allow-empty", "-m", message],
        failure: (committed) =>
          new Jore4FluxError(`the revert commit failed: ${(committed.stderr || committed.stdout).trim()}`, {
            exitCode: ExitCode.failed,
            hint: "nothing was changed",
          }),
      },
    ],
    {
      summary: `cannot roll back ${target.slice(0, 12)}; nothing was changed`,
      what: `${main} with the revert`,
      // The revert made by hand, regenerated, with the trailer that tells a second rollback it is done.
      fix: `git switch ${main} && git revert --no-commit ${isMerge ? "-m 1 " : ""}${target.slice(0, 12)} && npx jore4-flux generate && git add --all && git commit --no-edit --trailer "${trailerKeys.rollbackOf}: ${target}"`,
    },
  );
  const pushed = await closeTransaction(options.context, git, {
    remote,
    push: options.push,
    moves: [{ branch: main, from: state.local, to: revert }],
    reason: `jore4-flux: roll back ${target.slice(0, 12)}`,
    done: `${main} is now ${revert.slice(0, 12)}: reverts ${target.slice(0, 12)}`,
  });
  return { rolledBack: target, revert, pushed, promotions, alreadyDone: false };
}
