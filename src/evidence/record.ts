import { stageContext } from "../cluster/context-guard.ts";
import type { Session } from "../cluster/session.ts";
import type { StageConfig } from "../config/project.ts";
import type { Git } from "../git/git.ts";
import { diskFiles } from "../io/source-files.ts";
import { stageStatus, type StageStatus } from "../status/model.ts";
import { readStageFacts } from "../status/read.ts";
import { findStageModel, loadProject } from "../values/load.ts";
import { formatEvent, recordOf, type EvidenceEvent } from "./model.ts";
import { readRecord, writeRecord, type RecordWrite } from "./notes.ts";
import { observedEvents, type ObservedEvent } from "./observe.ts";

/**
 * `record` and `promote --wait`: read stages as `status` does (src/status/read.ts, through each
 * stage's own context, bounded), turn each reading into events (observe.ts) and add the new ones
 * to the record (notes.ts).
 */

export interface StageTarget {
  stage: StageConfig;
  context: string;
  namespace: string;
}

/** Each stage with the context `status` reads it through and its namespace. */
export function stageTargets(session: Session, stages: readonly StageConfig[]): StageTarget[] {
  const project = loadProject(diskFiles(session.root));
  return stages.map((stage) => ({
    stage,
    context: stageContext(session.config, stage),
    namespace: findStageModel(project, stage.name).values.namespace,
  }));
}

/** Reads the stages side by side, each bounded as in `status`. */
export async function readStatuses(
  session: Session,
  git: Git,
  remote: string | undefined,
  targets: readonly StageTarget[],
  deadline?: AbortSignal,
): Promise<StageStatus[]> {
  return Promise.all(
    targets.map(async ({ stage, ...target }) =>
      stageStatus(await readStageFacts(session, git, remote, stage, target, deadline), session.context.now()),
    ),
  );
}

export interface StageRecorded {
  stage: string;
  verdict: StageStatus["verdict"];
  reason: string;
  head?: string | undefined;
  /** What this reading proved, new or not. */
  observed: { commit: string; event: EvidenceEvent }[];
}

export interface RecordResult extends RecordWrite {
  stages: StageRecorded[];
}

/** Adds what the readings prove (and `extra`, e.g. a promotion's own events) to the record. */
export async function recordStatuses(
  git: Git,
  statuses: readonly StageStatus[],
  options: { remote: string | undefined; push: boolean; now: Date; extra?: readonly ObservedEvent[] },
): Promise<RecordResult> {
  // The superseded revisions are found in the record as fetched: the write merges again anyway.
  const known = await readRecord(git);
  const stages = statuses.map((status) => ({
    stage: status.stage,
    verdict: status.verdict,
    reason: status.reason,
    head: status.git.head,
    observed: observedEvents(status, options.now, known),
  }));
  const additions = recordOf([...stages.flatMap((stage) => stage.observed), ...(options.extra ?? [])]);
  const write = await writeRecord(git, additions, {
    remote: options.remote,
    push: options.push,
    message: `jore4-flux record ${statuses.map((status) => status.stage).join(" ")}`.trim(),
  });
  return { ...write, stages };
}

/** The text report of a `record` run. */
export function recordText(result: RecordResult): string {
  const lines = result.stages.map((stage) => {
    const observed = stage.observed.map(({ commit, event }) => `    ${commit.slice(0, 12)} ${formatEvent(event)}`);
    return [`${stage.stage}: ${stage.verdict}`, ...observed].join("\n");
  });
  lines.push(
    `${result.added} new event(s) recorded${result.pushed ? ", pushed" : ""}${result.notesCommit ? ` (notes ${result.notesCommit.slice(0, 12)})` : ""}`,
  );
  return lines.join("\n");
}
