import { resolve } from "node:path";
import { Command } from "commander";
import { findStage } from "../../config/project.ts";
import { ExitCode, Jore4FluxError } from "../../errors.ts";
import { Git } from "../../git/git.ts";
import { diskFiles } from "../../io/source-files.ts";
import { buildHistory, filterHistory } from "../../promotion/history.ts";
import { readHistoryInput } from "../../promotion/read-history.ts";
import { writeFiles } from "../../io/tree.ts";
import { historyHtml } from "../../promotion/report-html.ts";
import { historyText } from "../../promotion/report-text.ts";
import { fetchRemote, remoteFor } from "../../promotion/repository.ts";
import { loadProjectConfig } from "../../values/load.ts";
import { findRoot, out } from "../context.ts";

interface HistoryOptions {
  stage?: string;
  service?: string;
  since?: string;
  json?: boolean;
  html?: string;
  fetch: boolean;
}

export function historyCommand(): Command {
  return new Command("history")
    .description(
      "which image ran on which stage from when to when, who promoted it from which commit, and what waits on each stage; read from git",
    )
    .option("--stage <stage>", "only this stage")
    .option("--service <service>", "only this service")
    .option("--since <date>", "leave out what ended before this date (e.g. 2026-01-31)")
    .option("--json", "print the history as JSON")
    .option("--html <file>", "also write a self-contained HTML report (timeline per service) to this file")
    .option("--no-fetch", "do not fetch the remote first")
    .addHelpText(
      "after",
      `
Read from the first-parent history of each stage branch and the clusters/<stage> files at each
commit (promotion messages are checked against the files, not trusted). Caveats: a failed
deployment is not in git; rewritten history is detected where possible and reported under warnings.

Examples:
  $ jore4-flux history
  $ jore4-flux history --service ui --stage prod --since 2026-01-01
  $ jore4-flux history --html history.html`,
    )
    .action(async (options: HistoryOptions, command: Command) => {
      const root = findRoot(command.optsWithGlobals().dir);
      const { config } = loadProjectConfig(diskFiles(root));
      if (options.stage) findStage(config, options.stage);
      if (options.since && Number.isNaN(Date.parse(options.since))) {
        throw new Jore4FluxError(`--since '${options.since}' is not a date (e.g. 2026-01-31 or 2026-01-31T12:00:00Z)`, {
          exitCode: ExitCode.invalid,
        });
      }
      const git = new Git(root);
      const remote = await remoteFor(git);
      if (remote && options.fetch) {
        out.progress(`fetching ${remote}…`);
        await fetchRemote(git, remote);
      }
      const full = buildHistory(await readHistoryInput(git, config));
      if (options.service && !full.services.includes(options.service)) {
        throw new Jore4FluxError(
          `no service '${options.service}' in the history; services: ${full.services.join(", ")}`,
          { exitCode: ExitCode.invalid },
        );
      }
      const history = filterHistory(full, options);
      if (options.html) {
        writeFiles("/", [{ path: resolve(options.html), text: historyHtml(history) }]);
        out.progress(`wrote ${options.html}`);
      }
      if (options.json) out.json(history);
      else out.data(historyText(history));
    });
}
