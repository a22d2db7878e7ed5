import { Command } from "@commander-js/extra-typings";
import type * as Core from "../../command/login.ts";
import { dryRunOption } from "../options.ts";
import { globals, type CommandEntry } from "../registry.ts";

export const login: CommandEntry<typeof Core> = {
  define: (context, core) =>
    new Command("login")
      .description(
        "log in to a stage's cluster: az login, az account set, az aks get-credentials (kind: kind export kubeconfig), then the stage's namespace as the context's default",
      )
      .argument("<stage>", "the stage to log in to")
      .addOption(dryRunOption("print the commands; run nothing"))
      .addHelpText("after", "\nExamples:\n  $ jore4-flux login dev\n  $ jore4-flux login prod --dry-run")
      .action(async (stage, options, command) =>
        (await core()).run({ ...globals(command), ...options, stage }, context),
      ),
  run: () => import("../../command/login.ts"),
};
