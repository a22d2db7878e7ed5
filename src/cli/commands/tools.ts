import { Command } from "@commander-js/extra-typings";
import type * as Core from "../../command/tools.ts";
import { jsonOption } from "../options.ts";
import { globals, type CommandEntry } from "../registry.ts";

export const tools: CommandEntry<typeof Core> = {
  define(context, core) {
    const tools = new Command("tools").description(
      "build and find the Go-based tools (kustomize, kubectl, helm, and the test cluster's Kubernetes, kwok and Flux binaries)",
    );
    tools
      .command("install")
      .description(
        "build tools at their pinned versions from Go modules into .tools/bin (reusing earlier builds); without names: every tool the tests need",
      )
      .argument("[names...]", "tools to install")
      .addHelpText("after", "\nExamples:\n  $ jore4-flux tools install\n  $ jore4-flux tools install kustomize helm")
      .action(async (names, _options, command) => (await core()).run.install({ ...globals(command), names }, context));
    tools
      .command("list")
      .description("list the pinned tools and where each is found")
      .addOption(jsonOption("print as JSON"))
      .action(async (options, command) => (await core()).run.list({ ...globals(command), ...options }, context));
    return tools;
  },
  run: () => import("../../command/tools.ts"),
};
