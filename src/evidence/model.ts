/**
 * The deployment record: what each stage's cluster confirmed about each revision it was given,
 * kept in git notes (refs/notes/jore4-flux) on the revision's commit, so it travels with every
 * clone and needs no cluster to read. Pure: parsing, formatting and merging of the note text; the
 * git side is src/evidence/notes.ts.
 *
 * A note holds one line per event, readable in `git log --notes=jore4-flux`:
 *
 *   2026-12-07T21:04:05Z dev applied
 *   2026-12-07T21:04:09Z dev rolled-out
 *   2026-12-07T21:10:00Z test failed {"reason":"ConfigMap/hsl-jore4/broken dry-run failed …"}
 *
 * Any other line (a person's remark added with `git notes append`) is kept as it is.
 */

export const evidenceNotesRef = "refs/notes/jore4-flux";

export const eventKinds = [
  /** The stage branch was pushed at this commit. */
  "pushed",
  /** `promote` moved the stage branch here: `by` (who), `from` (branch), `source` (commit), `strategy`. */
  "promoted",
  /** Flux applied the revision (kind: `deploy cluster` recorded it). */
  "applied",
  /** Flux could not apply it, or a roll-out stalled: `reason`. */
  "failed",
  /** Every Deployment of the revision had rolled out with git's images. */
  "rolled-out",
  /** The revision no longer runs: `why` superseded (by `by`) or reverted. */
  "stopped",
  /** `promote --rollback-on-failure` reverted it: `revert` (the revert commit). */
  "rolled-back",
  /** A gate was overridden to promote this revision: `reason`. */
  "override",
] as const;
export type EventKind = (typeof eventKinds)[number];

export interface EvidenceEvent {
  stage: string;
  kind: EventKind;
  /** ISO 8601, seconds precision, UTC. */
  at: string;
  details?: Readonly<Record<string, string>>;
}

/** One commit's note: its events in time order, and the lines that are not ours, kept. */
export interface Note {
  events: EvidenceEvent[];
  other: string[];
}

const eventLine = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ) ([a-z0-9-]+) ([a-z-]+)(?: (\{.*\}))?$/;

/** Seconds precision, UTC: what every event's `at` holds. */
export const isoSeconds = (date: Date) => date.toISOString().replace(/\.\d+Z$/, "Z");

function parseDetails(text: string | undefined): Record<string, string> | undefined | false {
  if (text === undefined) return undefined;
  try {
    const value = JSON.parse(text) as unknown;
    if (!value || typeof value !== "object" || Array.isArray(value)) return false;
    const entries = Object.entries(value as Record<string, unknown>);
    if (!entries.every(([, item]) => typeof item === "string")) return false;
    return Object.fromEntries(entries) as Record<string, string>;
  } catch {
    return false;
  }
}

export function parseNote(text: string): Note {
  const note: Note = { events: [], other: [] };
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    const match = eventLine.exec(line);
    const details = parseDetails(match?.[4]);
    if (!match || details === false || !(eventKinds as readonly string[]).includes(match[3]!)) {
      note.other.push(line);
      continue;
    }
    note.events.push({
      at: match[1]!,
      stage: match[2]!,
      kind: match[3] as EventKind,
      ...(details ? { details } : {}),
    });
  }
  note.events.sort(byTime);
  return note;
}

export function formatEvent(event: EvidenceEvent): string {
  const details = event.details && Object.keys(event.details).length > 0 ? ` ${JSON.stringify(event.details)}` : "";
  return `${event.at} ${event.stage} ${event.kind}${details}`;
}

export function formatNote(note: Note): string {
  return [...[...note.events].sort(byTime).map(formatEvent), ...note.other].join("\n") + "\n";
}

function byTime(a: EvidenceEvent, b: EvidenceEvent): number {
  return a.at < b.at ? -1 : a.at > b.at ? 1 : eventKinds.indexOf(a.kind) - eventKinds.indexOf(b.kind);
}

/**
 * What makes two events the same fact, whenever and by whom it was observed: a stage applies,
 * rolls out, is pushed at, stops running and is rolled back once per revision; a failure is one
 * fact per reason, an override per reason, a promotion per source commit. Two `record` runs
 * seeing the same thing a second apart therefore add it once.
 */
export function eventKey(event: EvidenceEvent): string {
  const detail =
    event.kind === "failed" || event.kind === "override"
      ? (event.details?.reason ?? "")
      : event.kind === "promoted"
        ? (event.details?.source ?? "")
        : "";
  return `${event.stage}\u0000${event.kind}\u0000${detail}`;
}

/**
 * The events of `existing` and, after them, those of `added` whose fact is not recorded yet; for a
 * fact recorded twice the earlier observation stands. Idempotent (merging again adds nothing),
 * and the same whichever of two records is merged into the other, but for which of two
 * observations of one fact wins: the earlier.
 */
export function mergeNotes(existing: Note, added: Note): Note {
  const byKey = new Map<string, EvidenceEvent>();
  for (const event of [...existing.events, ...added.events]) {
    const key = eventKey(event);
    const known = byKey.get(key);
    if (!known || event.at < known.at) byKey.set(key, event);
  }
  const other = [...existing.other, ...added.other.filter((line) => !existing.other.includes(line))];
  return { events: [...byKey.values()].sort(byTime), other };
}

/** Whether `added` brings anything `existing` lacks. */
export function addsToNote(existing: Note, added: Note): boolean {
  return formatNote(mergeNotes(existing, added)) !== formatNote(existing);
}

/** Notes by commit id. */
export type EvidenceRecord = ReadonlyMap<string, Note>;

/** Merges two records commit by commit. */
export function mergeRecords(a: EvidenceRecord, b: EvidenceRecord): Map<string, Note> {
  const merged = new Map(a);
  for (const [commit, note] of b) merged.set(commit, mergeNotes(merged.get(commit) ?? { events: [], other: [] }, note));
  return merged;
}

/** The events of one stage on one commit. */
export const stageEvents = (record: EvidenceRecord, commit: string, stage: string): EvidenceEvent[] =>
  (record.get(commit)?.events ?? []).filter((event) => event.stage === stage);

/** The first event of a kind, if any. */
export const firstEvent = (events: readonly EvidenceEvent[], kind: EventKind) =>
  events.find((event) => event.kind === kind);

/** Groups events into a record of one note per commit. */
export function recordOf(entries: readonly { commit: string; event: EvidenceEvent }[]): Map<string, Note> {
  const record = new Map<string, Note>();
  for (const { commit, event } of entries)
    record.set(commit, mergeNotes(record.get(commit) ?? { events: [], other: [] }, { events: [event], other: [] }));
  return record;
}
