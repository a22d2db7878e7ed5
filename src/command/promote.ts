import { print, printJson, progress, type Context } from "../context.ts";
import { ExitCode, Jore4FluxError } from "../errors.ts";
import { gateText } from "../evidence/gate.ts";
import * as evidence from "../evidence/promotion.ts";
import { imageChangeText } from "../promotion/message.ts";
import type { PromotionPlan } from "../promotion/promote.ts";
import { applyPromotion, planPromotion } from "../promotion/promote.ts";
import { branchMove, openRepository, sessionFor, type BranchMoveOptions, type GlobalOptions } from "./shell.ts";

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

export async function run(
  options: GlobalOptions &
    BranchMoveOptions & {
      from: string;
      to: string;
      dryRun?: true | undefined;
      wait?: true | undefined;
      timeout: number;
      rollbackOnFailure?: true | undefined;
      override?: string | undefined;
    },
  context: Context,
): Promise<void> {
  const { from, to } = options;
  const { git, config } = openRepository(context, options);
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
  const result = await applyPromotion(git, plan, branchMove(options, context));
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
    const session = sessionFor(context, { dir: options.dir, json: options.json });
    await evidence.followPromotion(session, git, plan, result.commit, {
      timeoutSeconds: options.timeout,
      rollbackOnFailure: Boolean(options.rollbackOnFailure),
      promotion,
    });
  }
  if (options.json)
    printJson(context, { dryRun: false, ...planJson(plan), gate, commit: result.commit, pushed: result.pushed });
  else print(context, `${plan.step.to.branch}: ${result.commit}${result.pushed ? " (pushed)" : ""}`);
}
