import type { Git } from "../git/git.ts";
import type { PromotionStep } from "./order.ts";
import type { Refusal } from "./preflight.ts";

/**
 * The `fast-forward` strategy (jore4-flux.yaml `strategy: fast-forward`): the stage branch moves
 * to the promoted commit itself, no merge commit, so stage branches stay linear like the main
 * branch; who promoted, when and from where is in the deployment record (src/evidence/).
 *
 * A stage that has commits of its own (a hotfix, a rollback made on it) cannot move forward to
 * the source: the promotion is refused until those commits are on the main branch by a merge (a
 * cherry-pick copies them, and the stage would stay diverged), after which every promotion on the
 * path fast-forwards again.
 */
export async function divergedRefusals(
  git: Git,
  step: PromotionStep,
  source: string,
  target: string | undefined,
  options: { mainBranch: string; promotePath: readonly string[] },
): Promise<Refusal[]> {
  if (step.to.strategy !== "fast-forward" || !target || (await git.isAncestor(target, source))) return [];
  const own = (await git.run(["log", "--format=%h %s", `${source}..${target}`])).trim().split("\n").filter(Boolean);
  return [
    {
      reason: `${step.to.branch} (fast-forward) has ${own.length} commit(s) ${step.fromBranch} lacks, so it cannot move forward to it: ${own.slice(0, 5).join("; ")}`,
      fix: [
        `git switch ${options.mainBranch} && git merge --no-ff ${step.to.branch} && git push   # the stage's own commits onto ${options.mainBranch}, by a merge`,
        ...options.promotePath,
      ].join("\n"),
    },
  ];
}

/** Where a fast-forward promotion moves the branch: the source commit itself. */
export const fastForwardCommit = (sourceCommit: string) => sourceCommit;
