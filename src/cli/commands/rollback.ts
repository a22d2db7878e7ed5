import { Command } from "commander";
import { Git } from "../../git/git.ts";
import { diskFiles } from "../../io/source-files.ts";
import { applyPromotion, planPromotion } from "../../promotion/promote.ts";
import { rollback } from "../../promotion/rollback.ts";
import { findStage } from "../../config/project.ts";
import { loadProjectConfig } from "../../values/load.ts";
import { repositoryRoot } from "../context.ts";
import { confirm, print, printJson, progress, type Context } from "../../context.ts";

interface RollbackOptions {
  push?: boolean;
  yes?: boolean;
  fetch: boolean;
  through?: string;
  json?: boolean;
}

export function rollbackCommand(context: Context): Command {
  return new Command("rollback")
    .description(
      "revert a change on the main branch with a new commit (never a reset), then carry the revert through the stages",
    )
    .argument("<commit>", "the commit on the main branch to revert")
    .option("--through <stage>", "also promote the revert stage by stage up to this stage (e.g. prod)")
    .option("--push", "push every branch that moves (never with force)")
    .option("-y, --yes", "answer yes to confirmations (CI)")
    .option("--no-fetch", "do not fetch the remote first")
    .option("--json", "print the result as JSON")
    .addHelpText(
      "after",
      `
Resetting a branch would hide that a faulty configuration was deployed; a revert keeps it in the
history. Without --through, the promotions that carry the revert are printed (and offered on a terminal).

Examples:
  $ jore4-flux rollback 1a2b3c4
  $ jore4-flux rollback 1a2b3c4 --through prod --push --yes`,
    )
    .action(async (rev: string, options: RollbackOptions, command: Command) => {
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
