import { Command, Option } from "@commander-js/extra-typings";
import { jsonOption } from "../options.ts";
import type * as Core from "../../command/diff.ts";
import { globals, type CommandEntry } from "../registry.ts";

export const diff: CommandEntry<typeof Core> = {
  define: (context, core) =>
    new Command("diff")
      .description(
        "the semantic difference, object by object and field by field, between two stages' renderings, or between the working tree and another commit",
      )
      .argument("[stages...]", "two stages to compare; with --ref, the stages to compare (default: all)")
      .option("--ref <git-ref>", "compare the working tree's rendering with the one at this commit, branch or tag")
      .option(
        "--all",
        "between two stages, also show what is expected to differ (stage-specific keys, branch and path)",
      )
      .addOption(jsonOption("print the differences as JSON"))
      .addOption(
        new Option(
          "--markdown",
          "print a summary sized for a pull-request comment (long diffs are cut, with a count of what was left out)",
        ).conflicts("json"),
      )
      .addHelpText(
        "after",
        [
          "",
          "Exit codes: 0 no differences, 1 differences found, 2 bad usage or unreadable input.",
          "",
          "Examples:",
          "  $ jore4-flux diff dev prod               # only what differs beyond the stage-specific keys",
          "  $ jore4-flux diff dev prod --all",
          "  $ jore4-flux diff --ref test test --markdown   # what merging into test would change there",
          "  $ jore4-flux diff --ref HEAD~1 --json",
        ].join("\n"),
      )
      .action(async (stages, options, command) =>
        (await core()).run({ ...globals(command), ...options, stages }, context),
      ),
  run: () => import("../../command/diff.ts"),
};
