import { Command } from "@commander-js/extra-typings";
import type * as Core from "../../command/rollback.ts";
import { branchMoveOptions } from "../options.ts";
import { globals, type CommandEntry } from "../registry.ts";

export const rollback: CommandEntry<typeof Core> = {
  define: (context, core) =>
    branchMoveOptions(
      new Command("rollback")
        .description(
          "revert a change on the main branch with a new commit (never a reset), then carry the revert through the stages",
        )
        .argument("<commit>", "the commit on the main branch to revert")
        .option("--through <stage>", "also promote the revert stage by stage up to this stage (e.g. prod)"),
      {
        push: "push every branch that moves (never with force)",
        yes: "answer yes to confirmations (CI)",
        json: "print the result as JSON",
      },
    )
      .addHelpText(
        "after",
        `
Resetting a branch would hide that a faulty configuration was deployed; a revert keeps it in the
history. Without --through, the promotions that carry the revert are printed (and offered on a terminal).

Examples:
  $ jore4-flux rollback 1a2b3c4
  $ jore4-flux rollback 1a2b3c4 --through prod --push --yes`,
      )
      .action(async (rev, options, command) => (await core()).run({ ...globals(command), ...options, rev }, context)),
  run: () => import("../../command/rollback.ts"),
};
