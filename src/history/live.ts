import type { StageFluxRecords } from "../cluster/flux-records.ts";
import {
  fluxRevisionAnnotation,
  parseRevision,
  readyCondition,
  type FluxEvent,
  type FluxObject,
} from "../kube/flux.ts";
import type { ClusterMark, LiveStage } from "./cluster-mark.ts";
import { gitOnlyCaveat, type DeploymentEvent, type DeploymentHistory } from "./model.ts";

/**
 * `history --live`: the git history marked with what each stage's cluster says it did, read from
 * the stage's Flux Kustomization (status and Kubernetes Events). Pure: the reading is in
 * src/cluster/flux-records.ts.
 */

/** The Kustomization: the marks are read from its status. */
export type FluxKustomization = Pick<FluxObject, "status">;

const succeeded = "ReconciliationSucceeded";

/** One thing the cluster recorded about one revision. */
export interface Reconciliation {
  commit: string;
  outcome: "applied" | "failed";
  at: string | undefined;
  reason: string;
  message: string;
}

export interface StageRecords {
  stage: LiveStage;
  reconciliations: Reconciliation[];
}

/** What a stage's cluster said (`readStageRecords`): its records, or why there are none. */
export function liveRecords(stage: string, branch: string, read: StageFluxRecords): StageRecords {
  const base = { stage, context: read.context };
  if ("problem" in read) return { stage: { ...base, problem: read.problem }, reconciliations: [] };
  return stageRecords(base, branch, read.kustomization, read.events);
}

const eventTime = (event: FluxEvent) =>
  event.firstTimestamp ?? event.eventTime ?? event.metadata.creationTimestamp ?? undefined;

/**
 * What a stage's Kustomization and its Events say, checked against the branch the stage deploys:
 * a cluster that follows another branch (another stage's context pointing at the same cluster)
 * has no word on this one.
 */
export function stageRecords(
  base: Pick<LiveStage, "stage" | "context">,
  branch: string,
  kustomization: FluxKustomization,
  events: readonly FluxEvent[],
): StageRecords {
  const status = kustomization.status ?? {};
  const ready = readyCondition(status);
  const stage: LiveStage = { ...base };
  if (status.lastAppliedRevision) stage.lastAppliedRevision = status.lastAppliedRevision;
  if (status.lastAttemptedRevision) stage.lastAttemptedRevision = status.lastAttemptedRevision;
  if (ready)
    stage.ready = {
      status: ready.status,
      reason: ready.reason,
      message: ready.message,
      ...(ready.lastTransitionTime ? { since: ready.lastTransitionTime } : {}),
    };
  const followed = parseRevision(status.lastAttemptedRevision ?? status.lastAppliedRevision)?.branch;
  if (followed !== undefined && followed !== branch) {
    stage.problem = `the cluster's Kustomization follows branch ${followed}, not ${branch}: no word on this stage`;
    return { stage, reconciliations: [] };
  }
  const ofBranch = (revision: string | undefined) => {
    const parsed = parseRevision(revision);
    return parsed?.branch === branch ? parsed.commit : undefined;
  };
  const reconciliations: Reconciliation[] = [];
  for (const snapshot of status.history ?? []) {
    const commit = ofBranch(snapshot.metadata?.revision);
    if (!commit) continue;
    reconciliations.push({
      commit,
      outcome: snapshot.lastReconciledStatus === succeeded ? "applied" : "failed",
      at: snapshot.firstReconciled,
      reason: snapshot.lastReconciledStatus,
      message: "",
    });
  }
  for (const event of events) {
    const commit = ofBranch(event.metadata.annotations?.[fluxRevisionAnnotation]);
    if (!commit) continue;
    if (event.type === "Warning")
      reconciliations.push({
        commit,
        outcome: "failed",
        at: eventTime(event),
        reason: event.reason,
        message: event.message,
      });
    else if (event.reason === succeeded)
      reconciliations.push({ commit, outcome: "applied", at: eventTime(event), reason: event.reason, message: "" });
  }
  // The status itself holds the latest word, without a time unless Ready says when it changed.
  const applied = ofBranch(status.lastAppliedRevision);
  if (applied)
    reconciliations.push({ commit: applied, outcome: "applied", at: undefined, reason: succeeded, message: "" });
  const attempted = ofBranch(status.lastAttemptedRevision);
  if (attempted && attempted !== applied && ready?.status === "False")
    reconciliations.push({
      commit: attempted,
      outcome: "failed",
      at: ready.lastTransitionTime,
      reason: ready.reason,
      message: ready.message,
    });
  return { stage, reconciliations };
}

const ms = (date: string) => Date.parse(date);
const byTime = (a: string, b: string) => ms(a) - ms(b);

/** When a commit could first deploy: its push, else its commit time. */
const deployable = (event: DeploymentEvent) => event.pushedAt ?? event.date;

/** A record's time, when it is this revision's own: a time before the push belongs to an earlier revision with the same build (a snapshot keeps its first time). */
const ownTime = (record: Reconciliation, event: DeploymentEvent) =>
  record.at !== undefined && ms(record.at) >= ms(deployable(event)) ? record.at : undefined;

function markOf(
  event: DeploymentEvent,
  records: readonly Reconciliation[],
  later: readonly DeploymentEvent[],
  byCommit: ReadonlyMap<string, readonly Reconciliation[]>,
  recordsSince: string | undefined,
  attemptedIndex: number,
  index: number,
): ClusterMark {
  const since = deployable(event);
  const firstAt = (outcome: Reconciliation["outcome"]) =>
    records
      .filter((record) => record.outcome === outcome)
      .flatMap((record) => ownTime(record, event) ?? [])
      .sort(byTime)[0];
  if (records.some((record) => record.outcome === "applied")) {
    const at = firstAt("applied");
    return at
      ? {
          state: "applied",
          at,
          lagSeconds: Math.round((ms(at) - ms(since)) / 100) / 10,
          after: event.pushedAt ? "push" : "commit",
        }
      : { state: "applied" };
  }
  const failure = records.find((record) => record.outcome === "failed" && record.message) ?? records[0];
  if (failure) {
    const at = firstAt("failed");
    return { state: "failed", ...(at ? { at } : {}), reason: failure.reason, message: failure.message };
  }
  if (attemptedIndex >= 0 && index > attemptedIndex) return { state: "pending" };
  const next = later.find((candidate) => byCommit.has(candidate.commit));
  if (next && recordsSince !== undefined && ms(recordsSince) <= ms(since))
    return { state: "superseded", by: next.commit };
  return { state: "unknown" };
}

/** Each stage's events marked with its cluster's word; stages not read stay git-only. */
export function markHistory(history: DeploymentHistory, readings: readonly StageRecords[]): DeploymentHistory {
  const events = history.events.map((event) => ({ ...event }));
  const live = readings.map((reading) => ({ ...reading.stage }));
  readings.forEach(({ reconciliations }, readingIndex) => {
    const stage = live[readingIndex]!;
    if (stage.problem) return;
    const byCommit = new Map<string, Reconciliation[]>();
    for (const record of reconciliations) byCommit.set(record.commit, [...(byCommit.get(record.commit) ?? []), record]);
    const line = events.filter((event) => event.stage === stage.stage);
    // The cluster's memory reaches back to its oldest record with a time of its own.
    const recordsSince = line
      .flatMap((event) => (byCommit.get(event.commit) ?? []).flatMap((record) => ownTime(record, event) ?? []))
      .sort(byTime)[0];
    if (recordsSince) stage.recordsSince = recordsSince;
    const attempted = parseRevision(stage.lastAttemptedRevision)?.commit;
    const attemptedIndex = line.findIndex((event) => event.commit === attempted);
    line.forEach((event, index) => {
      event.cluster = markOf(
        event,
        byCommit.get(event.commit) ?? [],
        line.slice(index + 1),
        byCommit,
        recordsSince,
        attemptedIndex,
        index,
      );
    });
  });
  const read = live.filter((stage) => !stage.problem).map((stage) => stage.stage);
  const caveats = [
    read.length > 0
      ? `Marked with the cluster's word for ${read.join(", ")} (--live), from each Flux Kustomization's status and Events. A cluster keeps only recent records (Events for about an hour, status.history for the last builds): older commits are "not in the cluster's records".`
      : "Read from git only: no stage's cluster could be read (see live).",
    ...history.caveats.filter((caveat) => caveat !== gitOnlyCaveat),
  ];
  return {
    ...history,
    source: read.length > 0 ? "git+cluster" : "git",
    caveats,
    events,
    live,
  };
}

/** One line for a mark: what the reports print next to an event. */
export function markText(mark: ClusterMark): string {
  switch (mark.state) {
    case "applied":
      return mark.at
        ? `applied ${mark.at} (${mark.lagSeconds} s after the ${mark.after})`
        : "applied (the cluster did not record when)";
    case "failed":
      return `FAILED${mark.at ? ` ${mark.at}` : ""}: ${mark.reason}${mark.message ? `: ${mark.message}` : ""}`;
    case "superseded":
      return `never applied: superseded by ${mark.by.slice(0, 12)} before Flux reconciled it`;
    case "pending":
      return "not reconciled yet";
    case "unknown":
      return "not in the cluster's records";
  }
}
