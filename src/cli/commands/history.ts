import { resolve } from "node:path";
import { Command, InvalidArgumentError, Option, type CommandUnknownOpts } from "@commander-js/extra-typings";
import { ExitCode, Jore4FluxError } from "../../errors.ts";
import { repositoryRoot } from "../context.ts";
import { print, printJson, progress, type Context } from "../../context.ts";
import { jsonOption, noFetchOption } from "../options.ts";

export function historyCommand(context: Context): CommandUnknownOpts {
  return new Command("history")
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
    .action(async (options, command) => {
      const { findStage } = await import("../../config/project.ts");
      const { Git } = await import("../../git/git.ts");
      const { diskFiles } = await import("../../io/source-files.ts");
      const { buildHistory } = await import("../../history/build.ts");
      const { filterHistory } = await import("../../history/filter.ts");
      const { shallowNote } = await import("../../history/model.ts");
      const { readHistoryInput } = await import("../../history/read.ts");
      const { keepHistoryReads, keptHistoryReads } = await import("../../history/store-entry.ts");
      const { openStore } = await import("../../store/store.ts");
      const { fetchRemote, remoteFor } = await import("../../promotion/repository.ts");
      const { loadProjectConfig } = await import("../../config/load.ts");
      const root = repositoryRoot(context, command);
      const store = openStore(context);
      const git = new Git(context.run, root);
      // git looks for the remote while the configuration is read.
      const remoteLookup = remoteFor(git);
      remoteLookup.catch(() => undefined);
      const { config } = loadProjectConfig(diskFiles(root));
      if (options.stage) findStage(config, options.stage);
      // A path that cannot take the report is refused before the history is read.
      if (options.html)
        (await import("../../io/output-file.ts")).outputTarget(resolve(context.cwd, options.html), options.html);
      const remote = await remoteLookup;
      if (remote && options.fetch) {
        progress(context, `fetching ${remote}…`);
        await fetchRemote(git, remote);
      }
      const { input, reads, readAnew, view } = await readHistoryInput(git, config, remote, {
        kept: keptHistoryReads(store, root),
        env: context.env,
      });
      if (input.shallow.length > 0) progress(context, shallowNote(input.shallow.length));
      // What the clusters confirmed, from the record in git notes (no cluster asked); read first,
      // as a fast-forward stage's promotions are in the record alone.
      const stages = config.stages.filter((stage) => !options.stage || stage.name === options.stage);
      const evidence = await import("../../evidence/history.ts");
      const recorded = await (
        await import("../../evidence/history-read.ts")
      ).readRecordedHistory(git, config, remote, { fetch: options.fetch, now: context.now(), stages });
      const record = await (await import("../../evidence/notes.ts")).readRecord(git);
      const full = buildHistory({
        ...input,
        stages: input.stages.map((log) => ({ ...log, promotions: evidence.fastForwardPromotions(record, log.stage) })),
      });
      if (options.service && !full.services.includes(options.service)) {
        throw new Jore4FluxError(
          `no service '${options.service}' in the history; services: ${full.services.join(", ")}`,
          { exitCode: ExitCode.invalid },
        );
      }
      // The cluster, HTML and text modules are loaded only when asked for (a large history is read fast).
      let marked = full;
      if (options.live) {
        const { liveRecords, markHistory } = await import("../../history/live.ts");
        const { readStageRecords } = await import("../../cluster/flux-records.ts");
        marked = markHistory(
          full,
          await Promise.all(
            stages.map(async (stage) =>
              liveRecords(stage.name, stage.branch, await readStageRecords(context, root, config, stage)),
            ),
          ),
        );
      }
      const history = filterHistory(marked, options);
      if (options.html) {
        const { writeOutputFile } = await import("../../io/output-file.ts");
        const { historyHtml } = await import("../../history/report-html.ts");
        const html = historyHtml(history).replace("</body>", `${evidence.recordedHtml(recorded)}\n</body>`);
        writeOutputFile(resolve(context.cwd, options.html), options.html, html);
        progress(context, `wrote ${options.html}`);
      }
      if (options.json) printJson(context, { ...history, record: recorded });
      else {
        const { terminalText } = await import("../../terminal-text.ts");
        const text = (await import("../../history/report-text.ts")).historyText(history);
        print(context, `${text}\n\n${evidence.recordedText(recorded, (line) => terminalText(line))}`);
      }
      if (readAnew && view !== undefined) keepHistoryReads(store, root, view, reads);
    });
}
