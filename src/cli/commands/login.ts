import { Command } from "commander";
import { findStage } from "../../config/project.ts";
import { loginSteps } from "../../cluster/login.ts";
import type { Context } from "../../context.ts";
import { sessionFor } from "../cluster-options.ts";

export function loginCommand(context: Context): Command {
  return new Command("login")
    .description(
      "log in to a stage's cluster: az login, az account set, az aks get-credentials (kind: kind export kubeconfig), then the stage's namespace as the context's default",
    )
    .argument("<stage>", "the stage to log in to")
    .option("--dry-run", "print the commands; run nothing")
    .addHelpText("after", "\nExamples:\n  $ jore4-flux login dev\n  $ jore4-flux login prod --dry-run")
    .action(async (stageName: string, options: { dryRun?: boolean }, command: Command) => {
      const session = sessionFor(context, command, options);
      const stage = findStage(session.config, stageName);
      for (const step of loginSteps(session, stage)) await session.run(step);
    });
}
