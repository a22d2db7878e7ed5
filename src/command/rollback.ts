import { findStage } from "../config/project.ts";
import { confirm, print, printJson, progress, type Context } from "../context.ts";
import { recordPromotion } from "../evidence/promotion.ts";
import { applyPromotion, planPromotion } from "../promotion/promote.ts";
import { rollback } from "../promotion/rollback.ts";
import { branchMove, openRepository, type BranchMoveOptions, type GlobalOptions } from "./shell.ts";

export async function run(
  options: GlobalOptions & BranchMoveOptions & { rev: string; through?: string | undefined },
  context: Context,
): Promise<void> {
  const { rev } = options;
  const { git, config } = openRepository(context, options);
  const through = options.through ? findStage(config, options.through) : undefined;
  const result = await rollback(git, config, rev, branchMove(options, context));
  const promotions = [];
  const stagesLeft = through
    ? result.promotions.slice(0, result.promotions.findIndex((step) => step.to === through.name) + 1)
    : result.promotions;
  for (const step of stagesLeft) {
    const wanted =
      through !== undefined ||
      (context.stdinIsTTY &&
        !options.json &&
        (await confirm(context, `carry the revert on: promote ${step.from} ${step.to} now?`, options.yes)));
    if (!wanted) break;
    const plan = await planPromotion(git, config, step.from, step.to, { fetch: false, context });
    const done = await applyPromotion(git, plan, branchMove(options, context));
    promotions.push({ ...step, commit: done.commit });
    if (done.commit && done.pushed) await recordPromotion(git, plan, done.commit, { at: context.now() });
  }
  const remaining = result.promotions.slice(promotions.length);
  if (options.json) printJson(context, { ...result, promoted: promotions, remaining });
  else {
    print(context, `${config.repository.mainBranch}: ${result.revert} reverts ${result.rolledBack}`);
    for (const step of promotions) print(context, `${step.to}: ${step.commit}`);
    if (remaining.length > 0)
      progress(
        context,
        `carry the revert to the stages:\n${remaining.map((step) => `  jore4-flux promote ${step.from} ${step.to}${options.push ? " --push" : ""}`).join("\n")}`,
      );
  }
}
