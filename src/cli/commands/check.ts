import { Command } from "@commander-js/extra-typings";
import { jsonOption } from "../options.ts";
import type * as Core from "../../command/check.ts";
import { globals, type CommandEntry } from "../registry.ts";

export const check: CommandEntry<typeof Core> = {
  define: (context, core) =>
    new Command("check")
      .description(
        "validate the rendered stages offline: schemas, references inside each stage, safety rules, stage parity, and that clusters/ is up to date",
      )
      .argument("[stages...]", "stages to check (default: all)")
      .addOption(jsonOption("print the findings as JSON"))
      .option("--rules", "list the rules (id, default severity, what each checks) and exit")
      .option("--no-kustomize", "skip the kustomize-build rule (comparing each stage with its real `kustomize build`)")
      .addHelpText(
        "after",
        [
          "",
          "Exit codes: 0 no errors (warnings and waived findings are printed), 1 errors found, 2 bad usage or unreadable input.",
          "Waive a rule for one service's objects in the values: services.<name>.waivers: [{rule: <id>, reason: <why>}].",
          "Change a rule's severity in jore4-flux.yaml: check: {severity: {resources: error}}.",
          "",
          "Examples:",
          "  $ jore4-flux check",
          "  $ jore4-flux check prod --json",
          "  $ jore4-flux check --rules",
        ].join("\n"),
      )
      .action(async (stages, options, command) =>
        (await core()).run({ ...globals(command), ...options, stages }, context),
      ),
  run: () => import("../../command/check.ts"),
};
