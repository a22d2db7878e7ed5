import { Command } from "@commander-js/extra-typings";
import type * as Core from "../../command/images.ts";
import { dryRunOption, jsonOption } from "../options.ts";
import { globals, type CommandEntry } from "../registry.ts";

const credentialsHelp =
  "\nThe registry is the one the image names (Docker Hub when none); loopback registries are read over HTTP." +
  "\nJORE4_FLUX_REGISTRY_USERNAME and JORE4_FLUX_REGISTRY_PASSWORD give credentials (anonymous without).";

export const images: CommandEntry<typeof Core> = {
  define(context, core) {
    const images = new Command("images").description(
      "look up each service's newest image with its tag prefix (services.<name>.tagPrefix) in its registry, and update the values to it",
    );
    images
      .command("latest")
      .description("print the newest image with the tag prefix of each service (or the named ones), by creation time")
      .argument("[services...]", "services to look up (default: every service with a tagPrefix)")
      .addOption(jsonOption())
      .addHelpText(
        "after",
        `\nExamples:\n  $ jore4-flux images latest\n  $ jore4-flux images latest ui --json${credentialsHelp}`,
      )
      .action(async (services, options, command) =>
        (await core()).run.latest({ ...globals(command), ...options, services }, context),
      );
    images
      .command("update")
      .description(
        "set each service (or the named ones) to its newest image with the tag prefix in values/common.yaml and regenerate once; nothing is written if any lookup fails",
      )
      .argument("[services...]", "services to update (default: every service with a tagPrefix)")
      .addOption(dryRunOption("print what would change, write nothing"))
      .addOption(jsonOption())
      .addHelpText(
        "after",
        `\nExamples:\n  $ jore4-flux images update ui\n  $ jore4-flux images update --dry-run --json${credentialsHelp}`,
      )
      .action(async (services, options, command) =>
        (await core()).run.update({ ...globals(command), ...options, services }, context),
      );
    return images;
  },
  run: () => import("../../command/images.ts"),
};
