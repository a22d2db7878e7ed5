import { Command } from "@commander-js/extra-typings";
import type * as Core from "../../command/toc.ts";
import { checkOption } from "../options.ts";
import { globals, type CommandEntry } from "../registry.ts";

export const toc: CommandEntry<typeof Core> = {
  define: (context, core) =>
    new Command("toc")
      .description(
        "refresh the table of contents between the doctoc markers of a Markdown file (as `npx doctoc README.md` did)",
      )
      .argument("[file]", "Markdown file, relative to the repository", "README.md")
      .addOption(checkOption("the table of contents"))
      .addHelpText("after", "\nExamples:\n  $ jore4-flux toc\n  $ jore4-flux toc --check   # in CI")
      .action(async (file, options, command) => (await core()).run({ ...globals(command), ...options, file }, context)),
  run: () => import("../../command/toc.ts"),
};
