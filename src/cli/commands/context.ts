import { Command } from "@commander-js/extra-typings";
import { contextOption, jsonOption } from "../options.ts";
import type * as Core from "../../command/context.ts";
import { globals, type CommandEntry } from "../registry.ts";

export const context: CommandEntry<typeof Core> = {
  define(cli, core) {
    const group = new Command("context").description("the kube context guard: which context belongs to which stage");
    group
      .command("check")
      .description("exit 0 when the current (or --context) kube context is the stage's, 4 otherwise")
      .argument("<stage>", "the stage")
      .addOption(contextOption("check this context instead of the current one"))
      .addOption(jsonOption("print the result as JSON"))
      .addHelpText(
        "after",
        "\nExamples:\n  $ jore4-flux context check dev\n  $ jore4-flux context check e2e --context kind-jore4-local-cluster",
      )
      .action(async (stage, options, command) =>
        (await core()).run.check({ ...globals(command), ...options, stage }, cli),
      );
    return group;
  },
  run: () => import("../../command/context.ts"),
};
