import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import { repositoryRoot } from "../context.ts";
import { confirm, print, printJson, progress, type Context } from "../../context.ts";
import { jsonOption, noFetchOption, pushOption, yesOption } from "../options.ts";

export function rollbackCommand(context: Context): CommandUnknownOpts {
  return new Command("rollback")
    .description(
      "revert a change on the main branch with a new commit (never a reset), then carry the revert through the stages",
    )
    .argument("<commit>", "the commit on the main branch to revert")
    .option("--through <stage>", "also promote the revert stage by stage up to this stage (e.g. prod)")
    .addOption(pushOption("push every branch that moves (never with force)"))
    .addOption(yesOption("answer yes to confirmations (CI)"))
    .addOption(noFetchOption())
    .addOption(jsonOption("print the result as JSON"))
    .addHelpText(
      "after",
      `
Resetting a branch would hide that a faulty configuration was deployed; a revert keeps it in the
history. Without --through, the promotions that carry the revert are printed (and offered on a terminal).

Examples:
  $ jore4-flux rollback 1a2b3c4
  $ jore4-flux rollback 1a2b3c4 --through prod --push --yes`,
    )
    .action(async (rev, options, command) => {
      const { Git } = await import("../../git/git.ts");
      const { diskFiles } = await import("../../io/source-files.ts");
      const { applyPromotion, planPromotion } = await import("../../promotion/promote.ts");
      const { rollback } = await import("../../promotion/rollback.ts");
      const { findStage } = await import("../../config/project.ts");
      const { loadProjectConfig } = await import("../../config/load.ts");
      const root = repositoryRoot(context, command);
      const { config } = loadProjectConfig(diskFiles(root));
      const git = new Git(context.run, root);
      const through = options.through ? findStage(config, options.through) : undefined;
      const result = await rollback(git, config, rev, {
        push: Boolean(options.push),
        fetch: options.fetch,
        context,
        yes: options.yes,
      });
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
        const done = await applyPromotion(git, plan, { push: Boolean(options.push), context, yes: options.yes });
        promotions.push({ ...step, commit: done.commit });
        if (done.commit && done.pushed)
          await (
            await import("../../evidence/promotion.ts")
          ).recordPromotion(git, plan, done.commit, { at: context.now() });
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
    });
}
