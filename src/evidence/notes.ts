import { setTimeout as sleep } from "node:timers/promises";
import { ExitCode, Jore4FluxError } from "../errors.ts";
import type { Git } from "../git/git.ts";
import { evidenceNotesRef, formatNote, mergeRecords, parseNote, type EvidenceRecord, type Note } from "./model.ts";

/**
 * The git side of the deployment record: reads and writes the notes under refs/notes/jore4-flux,
 * fetches them from the remote and pushes them there, never with force. Every write is a
 * compare-and-swap of the notes ref (`git update-ref <ref> <new> <old>`) on a notes commit made
 * from what was read, so two writers at once cannot lose each other's events: the one that loses
 * the swap reads again, merges (src/evidence/model.ts) and tries again, a bounded number of times.
 * A remote that moved on is merged the same way: the new notes commit has the remote's as a
 * parent, so the push is a fast-forward.
 */

/** Where the remote's notes are fetched to (a remote-tracking ref of our own, outside refs/notes/). */
export const remoteNotesRef = (remote: string) => `refs/jore4-flux/remote-notes/${remote}/jore4-flux`;

/** How often a write is tried again after losing the swap or the push to another writer. */
const maxAttempts = 12;

/** The notes at a notes commit: the tree's paths (with or without fan-out folders) name the commits. */
export async function readRecordAt(git: Git, notesCommit: string | undefined): Promise<Map<string, Note>> {
  if (!notesCommit) return new Map();
  const entries = (await git.run(["ls-tree", "-r", notesCommit]))
    .split("\n")
    .filter(Boolean)
    .flatMap((line) => {
      const [meta, path] = line.split("\t") as [string, string];
      const commit = path.replaceAll("/", "");
      const [, type, blob] = meta.split(" ");
      return type === "blob" && /^[0-9a-f]{40}$/.test(commit) ? [{ commit, blob: blob! }] : [];
    });
  const texts = await git.readObjects(entries.map((entry) => entry.blob));
  return new Map(entries.map((entry) => [entry.commit, parseNote(texts.get(entry.blob) ?? "")]));
}

/** The local record (refs/notes/jore4-flux), as the last fetch or write left it. */
export async function readRecord(git: Git): Promise<Map<string, Note>> {
  return readRecordAt(git, await git.commit(evidenceNotesRef));
}

export interface RecordWrite {
  /** The notes commit the local ref holds afterwards (undefined: there are no notes at all). */
  notesCommit: string | undefined;
  /** Events `additions` brought that the record did not have. */
  added: number;
  /** Whether the remote's notes were merged in. */
  mergedRemote: boolean;
  pushed: boolean;
}

const emptyNote: Note = { events: [], other: [] };

const countEvents = (record: EvidenceRecord) => [...record.values()].reduce((sum, note) => sum + note.events.length, 0);

/**
 * Adds `additions` to the record: fetches the remote's notes (with `remote`), merges them, makes
 * one notes commit, swaps the local ref to it only if the ref still holds what was read, and
 * pushes it without force (with `push`). Losing the swap or the push to another writer means
 * reading and merging again, at most maxAttempts times. With no additions it only brings the
 * remote's notes into the local record (what `promote` does before checking a gate).
 */
export async function writeRecord(
  git: Git,
  additions: EvidenceRecord,
  options: { remote?: string | undefined; push?: boolean; message?: string } = {},
): Promise<RecordWrite> {
  const { remote } = options;
  const push = Boolean(options.push && remote);
  let lastProblem = "";
  // Counted when the local ref takes them: a push lost afterwards is retried without them.
  let added = 0;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    if (attempt > 1) await sleep(50 + Math.floor(Math.random() * 250 * Math.min(attempt, 4)));
    if (remote) {
      // A glob refspec matches nothing, rather than failing, while the remote has no notes yet.
      const refspec = `+${evidenceNotesRef}*:${remoteNotesRef(remote)}*`;
      const fetched = await git.attempt(["fetch", "--quiet", "--no-tags", remote, refspec]);
      if (fetched.exitCode !== 0) {
        // Another run fetching at the same moment holds the tracking ref's lock: try again.
        lastProblem = `git fetch ${remote} of the notes failed: ${fetched.stderr.trim()}`;
        if (/lock/i.test(fetched.stderr)) continue;
        throw new Jore4FluxError(lastProblem, { exitCode: ExitCode.failed });
      }
    }
    const old = await git.commit(evidenceNotesRef);
    const remoteTip = remote ? await git.commit(remoteNotesRef(remote)) : undefined;
    const remoteAhead =
      remoteTip !== undefined && remoteTip !== old && !(old && (await git.isAncestor(remoteTip, old)));
    // The commit the new one builds on: the remote's when it already holds all of ours.
    const start = remoteAhead && (!old || (await git.isAncestor(old, remoteTip))) ? remoteTip : old;
    const other = remoteAhead && start !== remoteTip ? remoteTip : undefined;
    const startRecord = await readRecordAt(git, start);
    const known = other ? mergeRecords(startRecord, await readRecordAt(git, other)) : startRecord;
    const wanted = mergeRecords(known, additions);
    const adding = countEvents(wanted) - countEvents(known);
    const changed = [...wanted].filter(
      ([commit, note]) => formatNote(note) !== formatNote(startRecord.get(commit) ?? emptyNote),
    );
    let next = start;
    if (changed.length > 0 || other)
      next = await notesCommit(git, start, other, changed, options.message ?? "jore4-flux record");
    if (next !== old) {
      const swapped = await git.attempt(["update-ref", "-m", "jore4-flux record", evidenceNotesRef, next!, old ?? ""]);
      if (swapped.exitCode !== 0) {
        lastProblem = `another run changed ${evidenceNotesRef} meanwhile (${swapped.stderr.trim()})`;
        continue;
      }
    }
    added += adding;
    let pushed = false;
    // The commit itself is pushed, not whatever the ref holds by then (another run may have moved it).
    if (push && next && next !== remoteTip) {
      const result = await git.attempt(["push", "--quiet", "--porcelain", remote!, `${next}:${evidenceNotesRef}`]);
      if (result.exitCode !== 0) {
        lastProblem = `the push of ${evidenceNotesRef} to ${remote} was rejected: ${(result.stderr || result.stdout).trim().split("\n").at(-1)}`;
        continue;
      }
      pushed = true;
    }
    return { notesCommit: next, added, mergedRemote: remoteAhead, pushed };
  }
  throw new Jore4FluxError(`could not write the deployment record after ${maxAttempts} attempts: ${lastProblem}`, {
    exitCode: ExitCode.failed,
    hint: `run the command again; \`git log --notes=jore4-flux\` shows what is recorded`,
  });
}

/**
 * A notes commit on `start` (and `other`, the remote's, as a second parent) with the notes of
 * `changed` replaced. git's own `git notes add` writes each note into a private ref made for this
 * attempt (it knows the fan-out of the notes tree); the commit is then made with the parents the
 * merge needs, and the private ref removed.
 */
async function notesCommit(
  git: Git,
  start: string | undefined,
  other: string | undefined,
  changed: readonly (readonly [string, Note])[],
  message: string,
): Promise<string> {
  const scratch = `${evidenceNotesRef}-write-${Math.random().toString(36).slice(2, 12)}`;
  try {
    if (start) await git.run(["update-ref", scratch, start, ""]);
    for (const [commit, note] of changed) {
      const blob = (await git.run(["hash-object", "-w", "--stdin"], { input: formatNote(note) })).trim();
      await git.run(["notes", `--ref=${scratch}`, "add", "--force", "-C", blob, commit]);
    }
    const tree = (await git.run(["rev-parse", `${scratch}^{tree}`])).trim();
    const parents = [start, other].filter((parent): parent is string => parent !== undefined);
    return (await git.run(["commit-tree", tree, ...parents.flatMap((parent) => ["-p", parent]), "-m", message])).trim();
  } finally {
    await git.attempt(["update-ref", "-d", scratch]);
  }
}
