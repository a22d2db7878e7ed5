import { Command } from "@commander-js/extra-typings";
import type * as Core from "../../command/build.ts";
import { globals, type CommandEntry } from "../registry.ts";

export const build: CommandEntry<typeof Core> = {
  define: (context, core) =>
    new Command("build")
      .description("print the real `kustomize build` of clusters/<stage>: exactly what Flux or deploy applies")
      .argument("<stage>", "stage name from jore4-flux.yaml")
      .addHelpText("after", "\nExamples:\n  $ jore4-flux build dev\n  $ jore4-flux build e2e | kubectl diff -f -")
      .action(async (stage, _options, command) => (await core()).run({ ...globals(command), stage }, context)),
  run: () => import("../../command/build.ts"),
};
