import { Command } from "commander";
import { Git } from "../../git/git.ts";
import { diskFiles } from "../../io/source-files.ts";
import { applyPromotion, planPromotion } from "../../promotion/promote.ts";
import { rollback } from "../../promotion/rollback.ts";
import { findStage } from "../../config/project.ts";
import { loadProjectConfig } from "../../values/load.ts";
import { findRoot, out } from "../context.ts";
import { terminalInteraction } from "../interaction.ts";

interface RollbackOptions {
  push?: boolean;
  yes?: boolean;
  fetch: boolean;
  through?: string;
  json?: boolean;
}

export function rollbackCommand(): Command {
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
      const root = findRoot(command.optsWithGlobals().dir);
      const { config } = loadProjectConfig(diskFiles(root));
      const git = new Git(root);
      const interaction = terminalInteraction(options);
      const through = options.through ? findStage(config, options.through) : undefined;
      const result = await rollback(git, config, rev, {
        push: Boolean(options.push),
        fetch: options.fetch,
        interaction,
      });
      const promotions = [];
      const stagesLeft = through
        ? result.promotions.slice(0, result.promotions.findIndex((step) => step.to === through.name) + 1)
        : result.promotions;
      for (const step of stagesLeft) {
        const wanted =
          through !== undefined ||
          (process.stdin.isTTY &&
            !options.json &&
            (await interaction.confirm(`carry the revert on: promote ${step.from} ${step.to} now?`)));
        if (!wanted) break;
        const plan = await planPromotion(git, config, step.from, step.to, { fetch: false, interaction });
        const done = await applyPromotion(git, plan, { push: Boolean(options.push), interaction });
        promotions.push({ ...step, commit: done.commit });
      }
      const remaining = result.promotions.slice(promotions.length);
      if (options.json) out.json({ ...result, promoted: promotions, remaining });
      else {
        out.data(`${config.repository.mainBranch}: ${result.revert} reverts ${result.rolledBack}`);
        for (const step of promotions) out.data(`${step.to}: ${step.commit}`);
        if (remaining.length > 0)
          out.progress(
            `carry the revert to the stages:\n${remaining.map((step) => `  jore4-flux promote ${step.from} ${step.to}${options.push ? " --push" : ""}`).join("\n")}`,
          );
      }
    });
}
