import { guardContext, stageContext } from "../cluster/context-guard.ts";
import { findStages } from "../config/project.ts";
import { print, printJson, progress, type Context } from "../context.ts";
import { ExitCode, Jore4FluxError } from "../errors.ts";
import { Git } from "../git/git.ts";
import { diskFiles } from "../io/source-files.ts";
import { fetchRemote, remoteFor } from "../promotion/repository.ts";
import { overallExitCode, stageStatus, type StageStatus } from "../status/model.ts";
import { readStageFacts } from "../status/read.ts";
import { statusText } from "../status/report-text.ts";
import { followStatus } from "../status/watch.ts";
import { findStageModel, loadProject } from "../values/load.ts";
import { sessionFor, type GlobalOptions } from "./shell.ts";

export async function run(
  options: GlobalOptions & {
    names: string[];
    context?: string | undefined;
    json?: true | undefined;
    watch?: true | undefined;
    timeout: number;
    fetch: boolean;
  },
  context: Context,
): Promise<void> {
  const { names } = options;
  const session = sessionFor(context, { dir: options.dir, json: options.json });
  const project = loadProject(diskFiles(session.root));
  const stages = findStages(session.config, names);
  if (options.context !== undefined && stages.length !== 1)
    throw new Jore4FluxError("--context names the context of one stage: name exactly one stage", {
      exitCode: ExitCode.invalid,
    });
  const targets = stages.map((stage) => {
    const expected = stageContext(session.config, stage);
    return {
      stage,
      context:
        options.context !== undefined
          ? guardContext(expected, { explicit: options.context }, stage.name, "read")
          : expected,
      namespace: findStageModel(project, stage.name).values.namespace,
    };
  });
  const git = new Git(context.run, session.root);
  const remote = await remoteFor(git);
  const read = async (deadline?: AbortSignal): Promise<StageStatus[]> => {
    if (remote && options.fetch) {
      // A remote out of reach leaves its branches as last fetched; the clusters are still read.
      await fetchRemote(git, remote).catch((error: unknown) =>
        progress(context, `warning: could not fetch ${remote} (${String(error)}); using the branches as last fetched`),
      );
    }
    // Side by side: each stage's read is bounded (statusReadSeconds), so all of them are too.
    return Promise.all(
      targets.map(async ({ stage, ...target }) =>
        stageStatus(await readStageFacts(session, git, remote, stage, target, deadline), context.now()),
      ),
    );
  };
  let statuses: StageStatus[];
  let timedOut = false;
  if (options.watch) {
    progress(
      context,
      `following ${targets.map((target) => target.stage.name).join(", ")} for up to ${options.timeout} s…`,
    );
    ({ statuses, timedOut } = await followStatus(read, {
      timeoutSeconds: options.timeout,
      progress: (line) => progress(context, line),
    }));
  } else statuses = await read();
  if (options.json) printJson(context, { stages: statuses, exitCode: overallExitCode(statuses) });
  else print(context, statusText(statuses));
  const exitCode = overallExitCode(statuses);
  const off = statuses.filter((status) => status.exitCode !== ExitCode.ok);
  if (exitCode !== ExitCode.ok)
    throw new Jore4FluxError(
      `${timedOut ? `after ${options.timeout} s, ` : ""}${off.map((status) => `${status.stage} ${status.verdict}`).join(", ")}`,
      { exitCode },
    );
}
