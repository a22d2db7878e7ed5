import { Command } from "commander";
import { Git } from "../../git/git.ts";
import { diskFiles } from "../../io/source-files.ts";
import { finishHotfix, startHotfix } from "../../promotion/hotfix.ts";
import { loadProjectConfig } from "../../values/load.ts";
import { findRoot, out } from "../context.ts";
import { terminalInteraction } from "../interaction.ts";

function repository(command: Command) {
  const root = findRoot(command.optsWithGlobals().dir);
  return { git: new Git(root), config: loadProjectConfig(diskFiles(root)).config };
}

export function hotfixCommand(): Command {
  const hotfix = new Command("hotfix")
    .description("fix production directly: a branch from prod, merged into prod and cherry-picked back to main with -x")
    .addHelpText(
      "after",
      `
Examples:
  $ jore4-flux hotfix start ui-crash
  $ jore4-flux set-image ui hsldevcom/jore4-ui:hotfix--abc && git commit -am "ui: hotfix"
  $ jore4-flux hotfix finish --push

Both prod and main move, or neither: if the fix does not apply to main, nothing changes and the
commands to back-port by hand are printed. Prefer fixing on main and promoting through dev and test.`,
    );
  hotfix
    .command("start")
    .description("create hotfix/<name> from the production stage's branch and switch to it")
    .argument("<name>", "short name, e.g. ui-crash")
    .option("--no-fetch", "do not fetch the remote first")
    .action(async (name: string, options: { fetch: boolean }, command: Command) => {
      const { git, config } = repository(command);
      const started = await startHotfix(git, config, name, {
        fetch: options.fetch,
        interaction: terminalInteraction({}),
      });
      out.data(started.branch);
    });
  hotfix
    .command("finish")
    .description("merge hotfix/<name> into the production branch (--no-ff) and cherry-pick its commits to main with -x")
    .argument("[name]", "the hotfix (default: the checked-out hotfix/<name> branch)")
    .option("--push", "push the production and main branches, atomically (never with force)")
    .option("-y, --yes", "answer yes to the production confirmation (CI)")
    .option("--no-fetch", "do not fetch the remote first")
    .option("--json", "print the result as JSON")
    .action(
      async (
        name: string | undefined,
        options: { push?: boolean; yes?: boolean; fetch: boolean; json?: boolean },
        command: Command,
      ) => {
        const { git, config } = repository(command);
        const result = await finishHotfix(git, config, name, {
          push: Boolean(options.push),
          fetch: options.fetch,
          interaction: terminalInteraction(options),
        });
        if (options.json) out.json(result);
        else {
          out.data(
            `${result.branch}: merged as ${result.stageCommit}, back-ported as ${result.mainCommit}${result.pushed ? " (pushed)" : ""}`,
          );
          out.progress(`the branch can go: git branch -d ${result.branch}`);
        }
      },
    );
  return hotfix;
}
