import { Command } from "@commander-js/extra-typings";
import { jsonOption } from "../options.ts";
import type * as Core from "../../command/bundle.ts";
import { globals, type CommandEntry } from "../registry.ts";

export const bundle: CommandEntry<typeof Core> = {
  define: (context, core) =>
    new Command("bundle")
      .description(
        "pack the docker-compose bundle of a kind stage (compose/<stage>: compose file, nginx proxy, secret files) into a .tar.gz for a release",
      )
      .argument("[stage]", "a kind stage (default: the only one, e2e)")
      .option("-o, --output <file>", "the archive to write (default: <stage>-docker-compose.tar.gz)")
      .addOption(jsonOption("print what was packed as JSON"))
      .addHelpText(
        "after",
        "\nExamples:\n  $ jore4-flux bundle\n  $ jore4-flux bundle e2e --output dist/e2e-docker-compose.tar.gz\n" +
          "\nThe archive holds the folder's files at its root: unpack it and run `docker compose up -d` there.",
      )
      .action(async (stage, options, command) =>
        (await core()).run({ ...globals(command), ...options, stage }, context),
      ),
  run: () => import("../../command/bundle.ts"),
};
