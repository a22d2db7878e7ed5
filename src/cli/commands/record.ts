import { Command } from "@commander-js/extra-typings";
import type * as Core from "../../command/record.ts";
import { everyStageArgument, jsonOption, noFetchOption, pushOption } from "../options.ts";
import { globals, type CommandEntry } from "../registry.ts";

export const record: CommandEntry<typeof Core> = {
  define: (context, core) =>
    new Command("record")
      .description(
        "add what each stage's cluster confirms (applied, rolled out, failed, superseded) to the deployment record in git notes (refs/notes/jore4-flux); idempotent, safe to run at once with others",
      )
      .addArgument(everyStageArgument())
      .addOption(pushOption("push the notes afterwards (never with force)"))
      .addOption(jsonOption("print what was read and recorded as JSON"))
      .addOption(noFetchOption())
      .addHelpText(
        "after",
        `
Each stage is read as \`status\` reads it (through its own kube context, read-only, bounded); only
events not recorded yet are added. \`git log --notes=jore4-flux\` shows the record.

Exit codes: 0 recorded (also when nothing was new), 3 a cluster unreachable (the others are
still recorded) or the notes could not be written or pushed.

Examples:
  $ jore4-flux record --push            # every stage; what the scheduled workflow runs
  $ jore4-flux record dev --json`,
      )
      .action(async (stages, options, command) =>
        (await core()).run({ ...globals(command), ...options, stages }, context),
      ),
  run: () => import("../../command/record.ts"),
};
