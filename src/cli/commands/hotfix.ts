import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import { repositoryRoot } from "../context.ts";
import { print, printJson, progress, type Context } from "../../context.ts";
import { jsonOption, noFetchOption, pushOption, yesOption } from "../options.ts";

async function repository(context: Context, command: { optsWithGlobals(): object }) {
  const { Git } = await import("../../git/git.ts");
  const { diskFiles } = await import("../../io/source-files.ts");
  const { loadProjectConfig } = await import("../../config/load.ts");
  const root = repositoryRoot(context, command);
  return { git: new Git(context.run, root), config: loadProjectConfig(diskFiles(root)).config };
}

export function hotfixCommand(context: Context): CommandUnknownOpts {
  const hotfix = new Command("hotfix")
    .description("fix production directly: a branch from prod, merged into prod and cherry-picked back to main with -x")
    .addHelpText(
      "after",
      `
Examples:
  $ jore4-flux hotfix start ui-crash
  $ jore4-flux set-image ui hsldevcom/jore4-ui:hotfix--20261201-4f2a9c1 && git commit -am "ui: hotfix"
  $ jore4-flux hotfix finish --push

Both prod and main move, or neither: if the fix does not apply to main, nothing changes and the
commands to back-port by hand are printed. Prefer fixing on main and promoting through dev and test.`,
    );
  hotfix
    .command("start")
    .description("create hotfix/<name> from the production stage's branch and switch to it")
    .argument("<name>", "short name, e.g. ui-crash")
    .addOption(noFetchOption())
    .action(async (name, options, command) => {
      const { startHotfix } = await import("../../promotion/hotfix.ts");
      const { git, config } = await repository(context, command);
      const started = await startHotfix(git, config, name, {
        fetch: options.fetch,
        context,
      });
      print(context, started.branch);
    });
  hotfix
    .command("finish")
    .description("merge hotfix/<name> into the production branch (--no-ff) and cherry-pick its commits to main with -x")
    .argument("[name]", "the hotfix (default: the checked-out hotfix/<name> branch)")
    .addOption(pushOption("push the production and main branches, atomically (never with force)"))
    .addOption(yesOption("answer yes to the production confirmation (CI)"))
    .addOption(noFetchOption())
    .addOption(jsonOption("print the result as JSON"))
    .action(async (name, options, command) => {
      const { finishHotfix } = await import("../../promotion/hotfix.ts");
      const { git, config } = await repository(context, command);
      const result = await finishHotfix(git, config, name, {
        push: Boolean(options.push),
        fetch: options.fetch,
        context,
        yes: options.yes,
      });
      if (options.json) printJson(context, result);
      else {
        print(
          context,
          `${result.branch}: merged as ${result.stageCommit}, back-ported as ${result.mainCommit}${result.pushed ? " (pushed)" : ""}`,
        );
        progress(context, `the branch can go: git branch -d ${result.branch}`);
      }
    });
  return hotfix;
}
