import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import { print, printJson, type Context } from "../../context.ts";
import { contextOption, jsonOption, sessionFor } from "../options.ts";

export function contextCommand(context: Context): CommandUnknownOpts {
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
    .action(async (stageName, options, command) => {
      const { guardContext, stageContext } = await import("../../cluster/context-guard.ts");
      const { findStage } = await import("../../config/project.ts");
      const { currentContext } = await import("../../cluster/target.ts");
      const session = await sessionFor(context, command, {});
      const stage = findStage(session.config, stageName);
      const expected = stageContext(session.config, stage);
      const used = options.context ?? (await currentContext(session));
      const ok = used === expected;
      if (options.json) printJson(context, { stage: stage.name, expected, context: used ?? null, ok });
      guardContext(
        expected,
        options.context !== undefined ? { explicit: options.context } : { current: used },
        stage.name,
      );
      if (!options.json) print(context, `context ${expected} is stage ${stage.name}'s`);
    });
  return group;
}
