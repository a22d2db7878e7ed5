import { Command } from "@commander-js/extra-typings";
import { checkOption, jsonOption } from "../options.ts";
import type * as Core from "../../command/generate.ts";
import { globals, type CommandEntry } from "../registry.ts";

export const generate: CommandEntry<typeof Core> = {
  define: (context, core) =>
    new Command("generate")
      .description(
        "render every stage's manifests into clusters/<stage>/ (validated in memory first; nothing is written on error)",
      )
      .addOption(checkOption("clusters/"))
      .addOption(jsonOption("print the plan as JSON"))
      .addHelpText("after", "\nExamples:\n  $ jore4-flux generate\n  $ jore4-flux generate --check   # in CI")
      .action(async (options, command) => (await core()).run({ ...globals(command), ...options }, context)),
  run: () => import("../../command/generate.ts"),
};
