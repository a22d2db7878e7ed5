import { resolve } from "node:path";
import { readStageRecords } from "../cluster/flux-records.ts";
import { loadProjectConfig } from "../config/load.ts";
import { findStage } from "../config/project.ts";
import { print, printJson, progress, type Context } from "../context.ts";
import { ExitCode, Jore4FluxError } from "../errors.ts";
import { fastForwardPromotions, recordedHtml, recordedText } from "../evidence/history.ts";
import { readRecordedHistory } from "../evidence/history-read.ts";
import { Git } from "../git/git.ts";
import { buildHistory } from "../history/build.ts";
import { filterHistory } from "../history/filter.ts";
import { liveRecords, markHistory } from "../history/live.ts";
import { shallowNote } from "../history/model.ts";
import { readHistoryInput } from "../history/read.ts";
import { historyHtml } from "../history/report-html.ts";
import { historyText } from "../history/report-text.ts";
import { keepHistoryReads, keptHistoryReads } from "../history/store-entry.ts";
import { outputTarget, writeOutputFile } from "../io/output-file.ts";
import { diskFiles } from "../io/source-files.ts";
import { fetchRemote, remoteFor } from "../promotion/repository.ts";
import { openStore } from "../store/store.ts";
import { terminalText } from "../terminal-text.ts";
import { repositoryRoot, type GlobalOptions } from "./shell.ts";

export async function run(
  options: GlobalOptions & {
    stage?: string | undefined;
    service?: string | undefined;
    since?: string | undefined;
    json?: true | undefined;
    html?: string | undefined;
    live?: true | undefined;
    fetch: boolean;
  },
  context: Context,
): Promise<void> {
  const root = repositoryRoot(context, options);
  const store = openStore(context);
  const git = new Git(context.run, root);
  // git looks for the remote while the configuration is read.
  const remoteLookup = remoteFor(git);
  remoteLookup.catch(() => undefined);
  const { config } = loadProjectConfig(diskFiles(root));
  if (options.stage) findStage(config, options.stage);
  // A path that cannot take the report is refused before the history is read.
  if (options.html) outputTarget(resolve(context.cwd, options.html), options.html);
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
  // What the clusters confirmed, from the record in git notes (no cluster asked); read first, as a
  // fast-forward stage's promotions are in the record alone.
  const stages = config.stages.filter((stage) => !options.stage || stage.name === options.stage);
  const { recorded, record } = await readRecordedHistory(git, config, remote, {
    fetch: options.fetch,
    now: context.now(),
    stages,
  });
  const full = buildHistory({
    ...input,
    stages: input.stages.map((log) => ({ ...log, promotions: fastForwardPromotions(record, log.stage) })),
  });
  if (options.service && !full.services.includes(options.service)) {
    throw new Jore4FluxError(`no service '${options.service}' in the history; services: ${full.services.join(", ")}`, {
      exitCode: ExitCode.invalid,
    });
  }
  const marked = options.live
    ? markHistory(
        full,
        await Promise.all(
          stages.map(async (stage) =>
            liveRecords(stage.name, stage.branch, await readStageRecords(context, root, config, stage)),
          ),
        ),
      )
    : full;
  const history = filterHistory(marked, options);
  if (options.html) {
    const html = historyHtml(history).replace("</body>", `${recordedHtml(recorded)}\n</body>`);
    writeOutputFile(resolve(context.cwd, options.html), options.html, html);
    progress(context, `wrote ${options.html}`);
  }
  if (options.json) printJson(context, { ...history, record: recorded });
  else print(context, `${historyText(history)}\n\n${recordedText(recorded, (line) => terminalText(line))}`);
  if (readAnew && view !== undefined) keepHistoryReads(store, root, view, reads);
}
