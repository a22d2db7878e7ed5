import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import { ExitCode, Jore4FluxError } from "../../errors.ts";
import { imageChangeText } from "../../promotion/message.ts";
import type { PromotionPlan } from "../../promotion/promote.ts";
import { repositoryRoot } from "../context.ts";
import { print, printJson, progress, type Context } from "../../context.ts";
import {
  dryRunOption,
  jsonOption,
  noFetchOption,
  pushOption,
  sessionFor,
  timeoutOption,
  yesOption,
} from "../options.ts";

function planText(plan: PromotionPlan): string {
  const { step } = plan;
  const lines = [
    `promote ${step.fromBranch} (${plan.sourceCommit.slice(0, 12)}) → ${step.to.branch} (${plan.targetCommit?.slice(0, 12) ?? "new branch"})`,
    step.to.strategy === "fast-forward"
      ? `  fast-forward ${step.to.branch} to ${plan.sourceCommit.slice(0, 12)} (no merge commit; the record holds the promotion)`
      : plan.nothingToMerge
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
    .option(
      "--wait",
      "with --push: ask Flux to reconcile now and follow the stage until the revision runs (exit 0) or fails (exit 1); the outcome goes to the record",
    )
    .addOption(timeoutOption("--timeout <duration>", "how long --wait follows", 600))
    .option(
      "--rollback-on-failure",
      "with --wait: when the revision fails, revert it on the stage branch (a new commit), push and follow that",
    )
    .option("--override <reason>", "promote past a refusing gate; the reason goes into the trailers and the record")
    .addHelpText(
      "after",
      `
Order (jore4-flux.yaml): main → dev → test → prod; playg and e2e from main. A skipped stage is refused.
Refused (exit 4), each with the command that fixes it: a dirty work tree, a branch that differs
from its remote, stale clusters/ on the source (generate --check), commits on the target that
the source lacks (an un-back-ported hotfix). A failure midway leaves every branch as it was.

Gates (jore4-flux.yaml \`gate: { soak: 30m }\`): the commit promoted must be recorded as applied and
rolled out on the stage it comes from, run the soak since, and not have failed (refused: exit 4;
the record is fetched first, see \`record\`). --dry-run shows the gate's verdict.

Examples:
  $ jore4-flux promote main dev --push --wait --timeout 10m
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
      const evidence = await import("../../evidence/promotion.ts");
      const { gateText } = await import("../../evidence/gate.ts");
      if ((options.wait || options.rollbackOnFailure) && !options.push)
        throw new Jore4FluxError("--wait and --rollback-on-failure follow a pushed promotion: add --push", {
          exitCode: ExitCode.invalid,
        });
      const planned = await planPromotion(git, config, from, to, { fetch: options.fetch, context });
      const gate = await evidence.promotionGate(git, planned, {
        fetch: options.fetch,
        now: context.now(),
        override: options.override,
      });
      const plan = { ...planned, message: evidence.withOverride(planned.message, gate) };
      if (options.dryRun) {
        if (options.json) printJson(context, { dryRun: true, ...planJson(plan), gate });
        else print(context, `${planText(plan)}\n  ${gateText(gate)}`);
        if (!gate.allowed) throw evidence.gateRefusal(plan, gate);
        return;
      }
      if (!gate.allowed) throw evidence.gateRefusal(plan, gate);
      if (!options.json) progress(context, `${planText(plan)}\n  ${gateText(gate)}`);
      const result = await applyPromotion(git, plan, { push: Boolean(options.push), context, yes: options.yes });
      const promotion =
        result.commit && result.pushed
          ? evidence.promotionEvents(plan, result.commit, {
              by: await evidence.promoter(git),
              at: context.now(),
              pushed: true,
              decision: gate,
            })
          : [];
      // With --wait the promotion is recorded with its outcome, in one write.
      if (result.commit && result.pushed && !options.wait)
        await evidence.recordPromotion(git, plan, result.commit, { at: context.now(), decision: gate });
      if (options.wait && result.commit) {
        const session = await sessionFor(context, command, { json: options.json });
        await evidence.followPromotion(session, git, plan, result.commit, {
          timeoutSeconds: options.timeout,
          rollbackOnFailure: Boolean(options.rollbackOnFailure),
          promotion,
        });
      }
      if (options.json)
        printJson(context, { dryRun: false, ...planJson(plan), gate, commit: result.commit, pushed: result.pushed });
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
