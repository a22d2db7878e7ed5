import { parseRevision } from "../kube/flux.ts";
import type { StageStatus } from "../status/model.ts";
import { isoSeconds, stageEvents, type EvidenceEvent, type EvidenceRecord } from "./model.ts";

/**
 * What one reading of a stage (a `status` of it, src/status/model.ts) proves about its revisions,
 * as events for the record. Pure: `record` and `promote --wait` read the stage as `status` does
 * and hand the result here; what is already recorded is left to the merge (model.ts).
 */

export interface ObservedEvent {
  commit: string;
  event: EvidenceEvent;
}

/** The commit the cluster runs: Flux's `<branch>@sha1:<commit>`, or the commit `deploy cluster` recorded. */
export function runningCommit(status: StageStatus): string | undefined {
  if (!status.running) return undefined;
  return status.platform === "kind" ? status.running : parseRevision(status.running)?.commit;
}

/** A time the cluster gave, when it is one and not in the future of the reading. */
function clusterTime(text: string | undefined, now: Date): string {
  const time = text ? Date.parse(text) : Number.NaN;
  return isoSeconds(Number.isNaN(time) || time > now.getTime() ? now : new Date(time));
}

/**
 * The events a reading proves:
 * - the head applied (Flux's Kustomization applied it; kind: `deploy cluster` recorded it), at
 *   the time the Ready condition turned, else when read;
 * - the head rolled out: in sync, every Deployment rolled out with git's images, when read;
 * - the head failed, with the reason, when Flux's last attempt at it failed or a roll-out of it
 *   stalled (not when the source cannot fetch or the sync is suspended: that is no revision's fault);
 * - every other revision recorded as applied on the stage and not stopped: superseded by the head
 *   once the head is applied;
 * - the head pushed, at its committer date (Flux stages; `promote --push` records the real time first).
 */
export function observedEvents(status: StageStatus, now: Date, known: EvidenceRecord): ObservedEvent[] {
  const head = status.git.head;
  if (!head || status.verdict === "unreachable" || status.verdict === "not-deployed" || status.verdict === "no-branch")
    return [];
  const stage = status.stage;
  const at = isoSeconds(now);
  const events: ObservedEvent[] = [];
  const add = (commit: string, kind: EvidenceEvent["kind"], when: string, details?: Record<string, string>) =>
    events.push({ commit, event: { stage, kind, at: when, ...(details ? { details } : {}) } });
  if (status.platform !== "kind" && status.git.committedAt)
    add(head, "pushed", clusterTime(status.git.committedAt, now));
  const sync = status.flux?.kustomization;
  const running = runningCommit(status);
  const ready = sync?.ready;
  const appliedAt = clusterTime(ready?.status === "True" ? ready.lastTransitionTime : undefined, now);
  if (running === head) {
    if (status.verdict === "in-sync") {
      add(head, "applied", appliedAt);
      add(head, "rolled-out", at);
    } else if (status.verdict === "rolling-out" || status.verdict === "drifted") add(head, "applied", appliedAt);
    else if (
      status.verdict === "failed" &&
      !sync?.suspended &&
      (ready?.status === "False" || status.deployments.some((d) => d.state === "stalled"))
    )
      add(head, "failed", clusterTime(ready?.status === "False" ? ready.lastTransitionTime : undefined, now), {
        reason: status.reason,
      });
  } else if (
    status.verdict === "failed" &&
    ready?.status === "False" &&
    !sync?.suspended &&
    sync?.lastAttemptedRevision !== undefined &&
    parseRevision(sync.lastAttemptedRevision)?.commit === head
  )
    add(head, "failed", clusterTime(ready?.lastTransitionTime, now), { reason: status.reason });
  if (
    running === head &&
    (status.verdict === "in-sync" || status.verdict === "rolling-out" || status.verdict === "drifted")
  )
    for (const commit of known.keys()) {
      if (commit === head) continue;
      const recorded = stageEvents(known, commit, stage);
      if (recorded.some((event) => event.kind === "applied") && !recorded.some((event) => event.kind === "stopped"))
        add(commit, "stopped", appliedAt, { why: "superseded", by: head });
    }
  return events;
}
