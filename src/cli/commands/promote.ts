import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import { imageChangeText } from "../../promotion/message.ts";
import type { PromotionPlan } from "../../promotion/promote.ts";
import { repositoryRoot } from "../context.ts";
import { print, printJson, progress, type Context } from "../../context.ts";
import { dryRunOption, jsonOption, noFetchOption, pushOption, yesOption } from "../options.ts";

function planText(plan: PromotionPlan): string {
  const { step } = plan;
  const lines = [
    `promote ${step.fromBranch} (${plan.sourceCommit.slice(0, 12)}) → ${step.to.branch} (${plan.targetCommit?.slice(0, 12) ?? "new branch"})`,
    plan.nothingToMerge
      ? "  nothing new to merge: an empty promotion commit records it"
      : `  git merge --no-ff ${step.fromBranch}`,
    `  images on ${step.to.name}:${plan.images.length === 0 ? " no change" : ""}`,
    ...plan.images.map((change) => `    ${imageChangeText(change)}`),
    `  objects in clusters/${step.to.name}:${plan.objects.length === 0 ? " no change" : ""}`,
    ...plan.objects.map((change) => `    ${change.change.padEnd(7)} ${change.object} (${change.file})`),
  ];
  return lines.join("\n");
}

export function promoteCommand(context: Context): CommandUnknownOpts {
  return new Command("promote")
    .description(
      "merge one stage's configuration into the next (git merge --no-ff along the configured order), after preflight checks",
    )
    .argument("<from>", "branch promoted from: the main branch or a stage")
    .argument("<to>", "stage promoted to")
    .addOption(dryRunOption("check and print what would change in clusters/<to>; change nothing"))
    .addOption(pushOption("push the stage branch afterwards (never with force)"))
    .addOption(yesOption("answer yes to confirmations (CI); prod otherwise asks on the terminal"))
    .addOption(noFetchOption())
    .addOption(jsonOption("print the plan and result as JSON"))
    .addHelpText(
      "after",
      `
Order (jore4-flux.yaml): main → dev → test → prod; playg and e2e from main. A skipped stage is refused.
Refused (exit 4), each with the command that fixes it: a dirty work tree, a branch that differs
from its remote, stale clusters/ on the source (generate --check), commits on the target that
the source lacks (an un-back-ported hotfix). A failure midway leaves every branch as it was.

Examples:
  $ jore4-flux promote main dev --dry-run
  $ jore4-flux promote dev test --push
  $ jore4-flux promote test prod --push --yes   # in CI`,
    )
    .action(async (from, to, options, command) => {
      const { Git } = await import("../../git/git.ts");
      const { diskFiles } = await import("../../io/source-files.ts");
      const { applyPromotion, planPromotion } = await import("../../promotion/promote.ts");
      const { loadProjectConfig } = await import("../../config/load.ts");
      const root = repositoryRoot(context, command);
      const { config } = loadProjectConfig(diskFiles(root));
      const git = new Git(context.run, root);
      const plan = await planPromotion(git, config, from, to, { fetch: options.fetch, context });
      if (options.dryRun) {
        if (options.json) printJson(context, { dryRun: true, ...planJson(plan) });
        else print(context, planText(plan));
        return;
      }
      if (!options.json) progress(context, planText(plan));
      const result = await applyPromotion(git, plan, { push: Boolean(options.push), context, yes: options.yes });
      if (options.json)
        printJson(context, { dryRun: false, ...planJson(plan), commit: result.commit, pushed: result.pushed });
      else print(context, `${plan.step.to.branch}: ${result.commit}${result.pushed ? " (pushed)" : ""}`);
    });
}

function planJson(plan: PromotionPlan) {
  return {
    from: plan.step.fromBranch,
    to: plan.step.to.name,
    branch: plan.step.to.branch,
    sourceCommit: plan.sourceCommit,
    targetCommit: plan.targetCommit ?? null,
    createsBranch: plan.targetCommit === undefined,
    images: plan.images,
    objects: plan.objects,
    message: plan.message,
  };
}
