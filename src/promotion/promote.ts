import type { ProjectConfig } from "../config/project.ts";
import { confirm, progress, type Context } from "../context.ts";
import { ExitCode, Jore4FluxError } from "../errors.ts";
import type { Git } from "../git/git.ts";
import { imageChanges, imagesInManifests, objectChanges, type ImageChange, type PromotedObject } from "./images.ts";
import { promotionMessage } from "./message.ts";
import { divergedRefusals, fastForwardCommit } from "./fast-forward.ts";
import { pathTo, promotionStep, type PromotionStep } from "./order.ts";
import { staleGenerateRefusals, unportedRefusals } from "./preflight.ts";
import { branchState } from "../git/branches.ts";
import { commitsMissingFrom, filesTextAt, mergedTree, staleGeneratedFilesAt } from "./repository.ts";
import {
  closeTransaction,
  commitInWorktree,
  openTransaction,
  refuse,
  requireRemoteForPush,
  treeAndBranchRefusals,
} from "./transaction.ts";

export interface PromotionPlan {
  step: PromotionStep;
  remote: string | undefined;
  sourceCommit: string;
  /** undefined: the promotion creates the target branch from the source. */
  targetCommit: string | undefined;
  /** The source is already in the target: the promotion is an empty commit that records it. */
  nothingToMerge: boolean;
  images: ImageChange[];
  objects: PromotedObject[];
  message: string;
}

export interface PromotionResult {
  plan: PromotionPlan;
  commit: string | undefined;
  pushed: boolean;
}

/** Checks everything a promotion needs, and works out what it will change. Changes nothing but remote-tracking refs. */
export async function planPromotion(
  git: Git,
  config: ProjectConfig,
  from: string,
  to: string,
  options: { fetch: boolean; context: Context },
): Promise<PromotionPlan> {
  const step = promotionStep(config, from, to);
  const target = step.to;
  const remote = await openTransaction(options.context, git, { fetch: options.fetch });
  const source = await branchState(git, step.fromBranch, remote);
  const destination = await branchState(git, target.branch, remote);
  const refusals = await treeAndBranchRefusals(git, remote, [
    { state: source },
    { state: destination, mayBeMissing: true },
  ]);
  if (source.local) {
    progress(options.context, `checking that clusters/ on ${step.fromBranch} is up to date (generate --check)…`);
    refusals.push(...staleGenerateRefusals(step.fromBranch, await staleGeneratedFilesAt(git, source.local)));
  }
  if (source.local && destination.local) {
    const missing = await commitsMissingFrom(git, source.local, destination.local);
    const promotePath = pathTo(config, step.fromStage ?? target)
      .filter((stage) => stage !== target)
      .map((stage) => `jore4-flux promote ${stage.promotedFrom} ${stage.name}`);
    refusals.push(
      ...unportedRefusals({
        from: step.fromBranch,
        to: target.branch,
        mainBranch: config.repository.mainBranch,
        commits: missing,
        promotePath: step.fromStage ? promotePath : [],
      }),
    );
  }
  if (source.local)
    refusals.push(
      ...(await divergedRefusals(git, step, source.local, destination.local, {
        mainBranch: config.repository.mainBranch,
        promotePath: pathTo(config, target).map((stage) => `jore4-flux promote ${stage.promotedFrom} ${stage.name}`),
      })),
    );
  if (refusals.length > 0) throw refuse(`cannot promote ${step.fromBranch} to ${target.branch}`, refusals);

  const sourceCommit = source.local!;
  const targetCommit = destination.local;
  const dir = `${config.paths.clusters}/${target.name}`;
  let after = sourceCommit;
  if (targetCommit) {
    const merged = await mergedTree(git, targetCommit, sourceCommit);
    if (merged.conflicts.length > 0) {
      throw refuse(`cannot promote ${step.fromBranch} to ${target.branch}`, [
        {
          reason: `merging ${step.fromBranch} into ${target.branch} conflicts in ${merged.conflicts.join(", ")}`,
          fix: `git switch ${target.branch} && git merge --no-ff ${step.fromBranch}   # resolve by hand, then check with jore4-flux history`,
        },
      ]);
    }
    after = merged.tree;
  }
  const before = targetCommit ? await filesTextAt(git, targetCommit, dir) : new Map<string, string>();
  const afterFiles = await filesTextAt(git, after, dir);
  const images = imageChanges(imagesInManifests(before), imagesInManifests(afterFiles));
  const nothingToMerge = targetCommit !== undefined && (await git.isAncestor(sourceCommit, targetCommit));
  const message = promotionMessage({
    fromBranch: step.fromBranch,
    toStage: target.name,
    toBranch: target.branch,
    sourceCommit,
    targetCommit,
    changes: images,
  });
  return {
    step,
    remote,
    sourceCommit,
    targetCommit,
    nothingToMerge,
    images,
    objects: objectChanges(before, afterFiles),
    message,
  };
}

/** Makes the promotion commit in a temporary work tree, checks it, then moves the branch (and pushes). */
export async function applyPromotion(
  git: Git,
  plan: PromotionPlan,
  options: { push: boolean; context: Context; yes?: boolean },
): Promise<PromotionResult> {
  const { step } = plan;
  const target = step.to;
  requireRemoteForPush(options.push, plan.remote);
  if (
    !plan.targetCommit &&
    !(await confirm(
      options.context,
      `${target.branch} does not exist yet: create it from ${step.fromBranch} (${plan.sourceCommit.slice(0, 12)})?`,
      options.yes,
    ))
  ) {
    throw new Jore4FluxError(`not confirmed: ${target.branch} was not created`, { exitCode: ExitCode.refused });
  }
  if (
    target.confirm &&
    !(await confirm(
      options.context,
      `promote ${step.fromBranch} to ${target.name} (${plan.images.length} image change(s))?`,
      options.yes,
    ))
  ) {
    throw new Jore4FluxError(`not confirmed: ${target.name} was not changed`, { exitCode: ExitCode.refused });
  }
  // A merge whose clusters/ would be stale is refused: these commands make it by hand, regenerated.
  const byHand = [
    plan.targetCommit ? `git switch ${target.branch}` : `git switch --create ${target.branch} ${step.fromBranch}`,
    ...(plan.targetCommit && !plan.nothingToMerge
      ? [
          `git merge --no-ff --no-commit ${step.fromBranch}`,
          "npx jore4-flux generate",
          "git add --all",
          "git commit --no-edit",
        ]
      : ["npx jore4-flux generate", "git add --all", 'git commit -m "Regenerate clusters"']),
  ].join(" && ");
  // The seed requires a commit even when nothing changed: it testifies that the stage was promoted.
  // A fast-forward stage moves to the source commit itself (preflight refused a diverged one).
  const commit =
    target.strategy === "fast-forward"
      ? fastForwardCommit(plan.sourceCommit)
      : await commitInWorktree(
          git,
          plan.targetCommit ?? plan.sourceCommit,
          [
            {
              args:
                plan.targetCommit && !plan.nothingToMerge
                  ? ["merge", "--no-ff", "--quiet", "-m", plan.message, plan.sourceCommit]
                  : ["commit", "--allow-empty", "--quiet", "-m", plan.message],
              failure: (made) =>
                new Jore4FluxError(`the promotion commit failed: ${(made.stderr || made.stdout).trim()}`, {
                  exitCode: ExitCode.failed,
                  hint: `nothing was changed: ${target.branch} and your work tree are as they were (a hook may have refused; see above)`,
                }),
            },
          ],
          {
            summary: `cannot promote ${step.fromBranch} to ${target.branch}; nothing was changed`,
            what: `the merge of ${step.fromBranch} into ${target.branch}`,
            fix: byHand,
          },
        );
  const pushed = await closeTransaction(options.context, git, {
    remote: plan.remote,
    push: options.push,
    moves: [{ branch: target.branch, from: plan.targetCommit, to: commit }],
    reason: `jore4-flux: promote ${step.fromBranch} to ${target.branch}`,
    done: `${target.branch} is now ${commit.slice(0, 12)} (promoted from ${step.fromBranch} ${plan.sourceCommit.slice(0, 12)})`,
  });
  return { plan, commit, pushed };
}
