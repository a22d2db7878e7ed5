import { Command, InvalidArgumentError, Option } from "@commander-js/extra-typings";
import { jsonOption, noFetchOption } from "../options.ts";
import type * as Core from "../../command/history.ts";
import { globals, type CommandEntry } from "../registry.ts";

export const history: CommandEntry<typeof Core> = {
  define: (context, core) =>
    new Command("history")
      .description(
        "which image ran on which stage from when to when, who promoted it from which commit, and what waits on each stage; read from git, and with --live marked with each stage's cluster's word",
      )
      .option("--stage <stage>", "only this stage")
      .option("--service <service>", "only this service")
      .addOption(
        new Option("--since <date>", "leave out what ended before this date (e.g. 2026-01-31)").argParser((text) => {
          if (Number.isNaN(Date.parse(text)))
            throw new InvalidArgumentError("not a date (e.g. 2026-01-31 or 2026-01-31T12:00:00Z)");
          return text;
        }),
      )
      .addOption(jsonOption("print the history as JSON"))
      .option("--html <file>", "also write a self-contained HTML report (timeline per service) to this file")
      .option(
        "--live",
        "mark each stage's commits with its cluster's word (applied when, failed why, never applied), read from its Flux Kustomization through the stage's context",
      )
      .addOption(noFetchOption())
      .addHelpText(
        "after",
        `
Read from the first-parent history of each stage branch and the clusters/<stage> files at each
commit (promotion messages are checked against the files, not trusted). Caveats: a failed
deployment is not in git; rewritten history is detected where possible and reported under warnings.
With --live, each stage's cluster is read (only read) through the stage's kube context: its Flux
Kustomization's status and Events mark every commit applied, failed or never applied; a stage
whose cluster cannot be read stays git-only and says why.

Examples:
  $ jore4-flux history
  $ jore4-flux history --service ui --stage prod --since 2026-01-01
  $ jore4-flux history --html history.html
  $ jore4-flux history --live --stage dev --html history.html`,
      )
      .action(async (options, command) => (await core()).run({ ...globals(command), ...options }, context)),
  run: () => import("../../command/history.ts"),
};
