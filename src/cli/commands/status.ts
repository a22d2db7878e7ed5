import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import { print, printJson, progress, type Context } from "../../context.ts";
import { ExitCode, Jore4FluxError } from "../../errors.ts";
import type { StageStatus } from "../../status/model.ts";
import { contextOption, jsonOption, noFetchOption, sessionFor, timeoutOption } from "../options.ts";

export function statusCommand(context: Context): CommandUnknownOpts {
  return new Command("status")
    .description(
      "what runs where: per stage, the branch head against what the cluster applied (Flux's revisions; on kind, what `deploy cluster` recorded), the roll-outs, and the images running against git; read-only",
    )
    .argument("[stages...]", "the stages (default: every stage)")
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
    .action(async (names, options, command) => {
      const { guardContext, stageContext } = await import("../../cluster/context-guard.ts");
      const { findStages } = await import("../../config/project.ts");
      const { Git } = await import("../../git/git.ts");
      const { diskFiles } = await import("../../io/source-files.ts");
      const { fetchRemote, remoteFor } = await import("../../promotion/repository.ts");
      const { overallExitCode, stageStatus } = await import("../../status/model.ts");
      const { statusText } = await import("../../status/report-text.ts");
      const { readStageFacts } = await import("../../status/read.ts");
      const { followStatus } = await import("../../status/watch.ts");
      const { findStageModel, loadProject } = await import("../../values/load.ts");
      const session = await sessionFor(context, command, { json: options.json });
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
            progress(
              context,
              `warning: could not fetch ${remote} (${String(error)}); using the branches as last fetched`,
            ),
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
    });
}
