import { Command } from "@commander-js/extra-typings";
import type * as Core from "../../command/schemas.ts";
import { checkOption } from "../options.ts";
import { globals, type CommandEntry } from "../registry.ts";

export const schemas: CommandEntry<typeof Core> = {
  define(context, core) {
    const schemas = new Command("schemas").description(
      "the Kubernetes and CRD schemas `check` validates against (stored in schemas/, used offline)",
    );
    schemas
      .command("update")
      .description(
        "regenerate schemas/ from the pinned sources: the Kubernetes OpenAPI and the CRDs of Flux and the Secrets Store CSI driver, read from their Go modules",
      )
      .addOption(checkOption("schemas/"))
      .addHelpText(
        "after",
        "\nExamples:\n  $ jore4-flux schemas update   # then commit schemas/\n  $ jore4-flux schemas update --check",
      )
      .action(async (options, command) => (await core()).run.update({ ...globals(command), ...options }, context));
    return schemas;
  },
  run: () => import("../../command/schemas.ts"),
};
