import type { RecordedPromotion } from "../history/input.ts";
import { escapeHtml } from "../history/report-html.ts";
import { gateDecision, type Gate, type GateDecision } from "./gate.ts";
import { firstEvent, type EvidenceEvent, type EvidenceRecord } from "./model.ts";

/**
 * `history` from the record: what each stage's cluster confirmed about each revision it was given
 * (applied at, rolled out at, ran until, failed with the reason, never applied, rolled back), and
 * each gate's state (ready to promote, soaking until when). Pure; no cluster is asked.
 */

export const revisionStates = ["running", "ran", "failed", "rolled-back", "never-applied", "unconfirmed"] as const;
export type RevisionState = (typeof revisionStates)[number];

export interface RecordedRevision {
  commit: string;
  state: RevisionState;
  pushedAt?: string;
  promoted?: { at: string; by?: string; from?: string; strategy?: string };
  appliedAt?: string;
  rolledOutAt?: string;
  ranUntil?: string;
  supersededBy?: string;
  failed?: { at: string; reason: string };
  rolledBack?: { at: string; revert?: string };
  override?: string;
}

export interface RecordedStage {
  stage: string;
  revisions: RecordedRevision[];
}

export interface GateState {
  stage: string;
  from: string;
  /** The from-stage's branch head: what `promote` would promote. */
  commit?: string;
  decision: GateDecision;
}

export interface RecordedHistory {
  stages: RecordedStage[];
  gates: GateState[];
}

const firstAt = (events: readonly EvidenceEvent[]) =>
  events.reduce((min, event) => (event.at < min ? event.at : min), "9999");

function revisionOf(commit: string, events: readonly EvidenceEvent[], laterApplied: boolean): RecordedRevision {
  const pushed = firstEvent(events, "pushed");
  const promoted = firstEvent(events, "promoted");
  const applied = firstEvent(events, "applied");
  const rolledOut = firstEvent(events, "rolled-out");
  const stopped = firstEvent(events, "stopped");
  const failed = events.filter((event) => event.kind === "failed").at(-1);
  const rolledBack = firstEvent(events, "rolled-back");
  const override = firstEvent(events, "override");
  const state: RevisionState = rolledBack
    ? "rolled-back"
    : failed && (!applied || failed.at >= applied.at)
      ? "failed"
      : applied
        ? stopped
          ? "ran"
          : "running"
        : laterApplied
          ? "never-applied"
          : "unconfirmed";
  return {
    commit,
    state,
    ...(pushed ? { pushedAt: pushed.at } : {}),
    ...(promoted
      ? {
          promoted: {
            at: promoted.at,
            ...(promoted.details?.by ? { by: promoted.details.by } : {}),
            ...(promoted.details?.from ? { from: promoted.details.from } : {}),
            ...(promoted.details?.strategy ? { strategy: promoted.details.strategy } : {}),
          },
        }
      : {}),
    ...(applied ? { appliedAt: applied.at } : {}),
    ...(rolledOut ? { rolledOutAt: rolledOut.at } : {}),
    ...(stopped ? { ranUntil: stopped.at, ...(stopped.details?.by ? { supersededBy: stopped.details.by } : {}) } : {}),
    ...(failed ? { failed: { at: failed.at, reason: failed.details?.reason ?? "" } } : {}),
    ...(rolledBack
      ? {
          rolledBack: {
            at: rolledBack.at,
            ...(rolledBack.details?.revert ? { revert: rolledBack.details.revert } : {}),
          },
        }
      : {}),
    ...(override ? { override: override.details?.reason ?? "" } : {}),
  };
}

/**
 * Each stage's revisions, newest first, as the record has them: in the order of the stage
 * branch (`branches`: its first-parent commits, oldest first) where they are on it, else by the
 * time of their first event.
 */
export function recordedStages(
  record: EvidenceRecord,
  stages: readonly string[],
  branches: ReadonlyMap<string, readonly string[]> = new Map(),
): RecordedStage[] {
  return stages.map((stage) => {
    const position = new Map((branches.get(stage) ?? []).map((commit, index) => [commit, index]));
    const order = (entry: { commit: string; events: EvidenceEvent[] }) => position.get(entry.commit) ?? Infinity;
    const byCommit = [...record]
      .map(([commit, note]) => ({ commit, events: note.events.filter((event) => event.stage === stage) }))
      .filter((entry) => entry.events.length > 0)
      .sort((a, b) => order(a) - order(b) || (firstAt(a.events) < firstAt(b.events) ? -1 : 1));
    const revisions = byCommit.map((entry, index) =>
      revisionOf(
        entry.commit,
        entry.events,
        byCommit.slice(index + 1).some((later) => later.events.some((event) => event.kind === "applied")),
      ),
    );
    return { stage, revisions: revisions.reverse() };
  });
}

/**
 * The fast-forward promotions to `stage` the record holds, by the commit the branch moved to (the
 * earliest where one commit was promoted twice): what `history` shows as promotions where git
 * shows no commit of their own. Merge promotions are left out: their merge commits tell.
 */
export function fastForwardPromotions(record: EvidenceRecord, stage: string): Map<string, RecordedPromotion> {
  const promotions = new Map<string, RecordedPromotion>();
  for (const [commit, note] of record) {
    const event = note.events.find(
      (entry) => entry.stage === stage && entry.kind === "promoted" && entry.details?.strategy === "fast-forward",
    );
    if (!event) continue;
    const details = event.details!;
    promotions.set(commit, {
      at: event.at,
      by: details.by ?? "unknown",
      from: details.from ?? "",
      source: details.source ?? commit,
    });
  }
  return promotions;
}

/** The state of every gate: would `promote <from> <stage>` pass now, and if it waits, until when. */
export function gateStates(
  record: EvidenceRecord,
  gates: readonly { stage: string; from: string; promoteFrom: string; gate: Gate; head?: string | undefined }[],
  now: Date,
): GateState[] {
  return gates.map(({ stage, from, promoteFrom, gate, head }) => ({
    stage,
    from,
    ...(head ? { commit: head } : {}),
    decision: gateDecision({
      fromStage: from,
      promoteFrom,
      commit: head ?? "",
      events: head ? (record.get(head)?.events ?? []).filter((event) => event.stage === from) : [],
      gate,
      now,
    }),
  }));
}

const short = (commit: string | undefined) => commit?.slice(0, 12) ?? "none";

function revisionLine(revision: RecordedRevision): string {
  const parts = [`${short(revision.commit)} ${revision.state}`];
  if (revision.promoted)
    parts.push(
      `promoted ${revision.promoted.at}${revision.promoted.from ? ` from ${revision.promoted.from}` : ""}${revision.promoted.by ? ` by ${revision.promoted.by}` : ""}`,
    );
  if (revision.appliedAt) parts.push(`applied ${revision.appliedAt}`);
  if (revision.rolledOutAt) parts.push(`rolled out ${revision.rolledOutAt}`);
  if (revision.ranUntil) parts.push(`ran until ${revision.ranUntil}`);
  if (revision.failed) parts.push(`failed ${revision.failed.at}: ${revision.failed.reason}`);
  if (revision.rolledBack) parts.push(`rolled back ${revision.rolledBack.at} by ${short(revision.rolledBack.revert)}`);
  if (revision.override !== undefined) parts.push(`gate overridden: ${revision.override}`);
  return parts.join(", ");
}

/** The text section `history` prints after the git history. */
export function recordedText(history: RecordedHistory, clean: (text: string) => string): string {
  const lines = ["Confirmed by the clusters (the record, refs/notes/jore4-flux):"];
  for (const stage of history.stages) {
    lines.push(`  ${stage.stage}:${stage.revisions.length === 0 ? " nothing recorded (run `jore4-flux record`)" : ""}`);
    for (const revision of stage.revisions) lines.push(`    ${clean(revisionLine(revision))}`);
  }
  if (history.gates.length > 0) lines.push("Gates:");
  for (const gate of history.gates)
    lines.push(
      `  ${gate.from} → ${gate.stage}: ${gate.decision.allowed ? "ready" : gate.decision.verdict}${gate.decision.until ? ` until ${gate.decision.until}` : ""}: ${clean(gate.decision.evidence)}`,
    );
  return lines.join("\n");
}

/** The HTML section: the gates (ready, soaking until when) and each stage's confirmed revisions. */
export function recordedHtml(history: RecordedHistory): string {
  const gateRows = history.gates
    .map(
      (gate) =>
        `<tr><td>${escapeHtml(gate.from)} → ${escapeHtml(gate.stage)}</td><td class="gate-${gate.decision.allowed ? "ready" : escapeHtml(gate.decision.verdict)}">${gate.decision.allowed ? "ready to promote" : gate.decision.verdict === "soaking" ? `soaking until ${escapeHtml(gate.decision.until ?? "")}` : escapeHtml(gate.decision.verdict)}</td><td>${escapeHtml(short(gate.commit))}</td><td>${escapeHtml(gate.decision.evidence)}</td></tr>`,
    )
    .join("\n");
  const stageRows = history.stages
    .flatMap((stage) =>
      stage.revisions.map(
        (revision) =>
          `<tr><td>${escapeHtml(stage.stage)}</td><td><code>${escapeHtml(short(revision.commit))}</code></td><td>${escapeHtml(revision.state)}</td><td>${escapeHtml(revision.appliedAt ?? "")}</td><td>${escapeHtml(revision.rolledOutAt ?? "")}</td><td>${escapeHtml(revision.ranUntil ?? "")}</td><td>${escapeHtml(revision.failed ? `${revision.failed.at}: ${revision.failed.reason}` : "")}</td></tr>`,
      ),
    )
    .join("\n");
  return `<section id="record"><h2>Gates</h2>
<table><tr><th>promotion</th><th>gate</th><th>commit</th><th>evidence</th></tr>
${gateRows || '<tr><td colspan="4">no gates configured</td></tr>'}
</table>
<h2>Confirmed by the clusters</h2>
<table><tr><th>stage</th><th>commit</th><th>state</th><th>applied</th><th>rolled out</th><th>ran until</th><th>failed</th></tr>
${stageRows || '<tr><td colspan="7">nothing recorded (run <code>jore4-flux record</code>)</td></tr>'}
</table></section>`;
}
