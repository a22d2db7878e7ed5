import { Command } from "@commander-js/extra-typings";
import type * as Core from "../../command/status.ts";
import { contextOption, everyStageArgument, jsonOption, noFetchOption, timeoutOption } from "../options.ts";
import { globals, type CommandEntry } from "../registry.ts";

export const status: CommandEntry<typeof Core> = {
  define: (context, core) =>
    new Command("status")
      .description(
        "what runs where: per stage, the branch head against what the cluster applied (Flux's revisions; on kind, what `deploy cluster` recorded), the roll-outs, and the images running against git; read-only",
      )
      .addArgument(everyStageArgument())
      .addOption(contextOption("the kube context to read (one stage only; must be the stage's, as for deploy)"))
      .addOption(jsonOption("print the status of every stage as JSON"))
      .option(
        "--watch",
        "follow until every stage is in sync or cannot get there (failed, not deployed, unreachable), printing each change on stderr",
      )
      .addOption(timeoutOption("--timeout <duration>", "how long --watch follows", 300))
      .addOption(noFetchOption())
      .addHelpText(
        "after",
        `
Each stage is read through its own kube context (the one the context guard expects, named in
jore4-flux.yaml), without using or switching the current one; nothing is changed.

Exit codes: 0 every stage in sync, 1 a stage out of sync or failing (or --watch timed out),
2 bad usage, 3 a cluster unreachable, 4 --context is not the stage's.

Examples:
  $ jore4-flux status
  $ jore4-flux status dev --json
  $ jore4-flux promote main dev --push && jore4-flux status dev --watch --timeout 5m`,
      )
      .action(async (names, options, command) =>
        (await core()).run({ ...globals(command), ...options, names }, context),
      ),
  run: () => import("../../command/status.ts"),
};
