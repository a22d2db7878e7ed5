import { Command } from "@commander-js/extra-typings";
import type * as Core from "../../command/hotfix.ts";
import { branchMoveOptions, noFetchOption } from "../options.ts";
import { globals, type CommandEntry } from "../registry.ts";

export const hotfix: CommandEntry<typeof Core> = {
  define(context, core) {
    const hotfix = new Command("hotfix")
      .description(
        "fix production directly: a branch from prod, merged into prod and cherry-picked back to main with -x",
      )
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
      .action(async (name, options, command) =>
        (await core()).run.start({ ...globals(command), ...options, name }, context),
      );
    branchMoveOptions(
      hotfix
        .command("finish")
        .description(
          "merge hotfix/<name> into the production branch (--no-ff) and cherry-pick its commits to main with -x",
        )
        .argument("[name]", "the hotfix (default: the checked-out hotfix/<name> branch)"),
      {
        push: "push the production and main branches, atomically (never with force)",
        yes: "answer yes to the production confirmation (CI)",
        json: "print the result as JSON",
      },
    ).action(async (name, options, command) =>
      (await core()).run.finish({ ...globals(command), ...options, name }, context),
    );
    return hotfix;
  },
  run: () => import("../../command/hotfix.ts"),
};
