import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import type { Context } from "../../context.ts";
import { dryRunOption, sessionFor } from "../options.ts";

export function loginCommand(context: Context): CommandUnknownOpts {
  return new Command("login")
    .description(
      "log in to a stage's cluster: az login, az account set, az aks get-credentials (kind: kind export kubeconfig), then the stage's namespace as the context's default",
    )
    .argument("<stage>", "the stage to log in to")
    .addOption(dryRunOption("print the commands; run nothing"))
    .addHelpText("after", "\nExamples:\n  $ jore4-flux login dev\n  $ jore4-flux login prod --dry-run")
    .action(async (stageName, options, command) => {
      const { findStage } = await import("../../config/project.ts");
      const { loginSteps } = await import("../../cluster/login.ts");
      const session = await sessionFor(context, command, options);
      const stage = findStage(session.config, stageName);
      for (const step of loginSteps(session, stage)) await session.run(step);
    });
}
