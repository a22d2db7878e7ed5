import { Command } from "@commander-js/extra-typings";
import type * as Core from "../../command/set-image.ts";
import { dryRunOption, jsonOption } from "../options.ts";
import { globals, type CommandEntry } from "../registry.ts";

export const setImage: CommandEntry<typeof Core> = {
  define: (context, core) =>
    new Command("set-image")
      .description(
        "set one service's image in the shared values (or a stage's override) and regenerate clusters/; what an image-bump job calls",
      )
      .argument("<service>", "service name, as under services: in values/common.yaml")
      .argument("<image>", "image reference, e.g. hsldevcom/jore4-ui:main--1a2b3c")
      .option("--stage <stage>", "write the stage's override file instead of the shared file")
      .addOption(dryRunOption("print what would change, write nothing"))
      .addOption(jsonOption("print the result as JSON"))
      .addHelpText(
        "after",
        "\nExamples:\n  $ jore4-flux set-image ui hsldevcom/jore4-ui:main--20261124\n  $ jore4-flux set-image hasura hsldevcom/jore4-hasura:pr-123--4f2a9c1 --stage e2e",
      )
      .action(async (service, image, options, command) =>
        (await core()).run({ ...globals(command), ...options, service, image }, context),
      ),
  run: () => import("../../command/set-image.ts"),
};
