import * as z from "zod";
import { entryFile, keepEntry, readEntry, type Store } from "../store/store.ts";
import type { HistoryReads } from "./kept-reads.ts";

// history's reads of git (`HistoryReads`), a store entry per repository (src/store/store.ts) for
// the build that made them: the images of a blob are what this build's code reads in it, so
// another build reads again. `view` is what else git's answers depend on (the shallow
// boundary, grafts, replace refs, configuration: `GitView` in history/git-reads.ts); the reads stand
// only in the view they were made in.
const kind = "history";

// The shape every part of the reads is used in, checked by hand: 5,000 promotions keep 4 MB, which
// a zod schema took 165 ms to check, these loops 24 ms (JSON.parse: 56 ms).
type Check = (value: unknown) => boolean;

const isText: Check = (value) => typeof value === "string";
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

function everyOf(value: unknown, check: Check): value is unknown[] {
  if (!Array.isArray(value)) return false;
  for (let index = 0; index < value.length; index += 1) if (!check(value[index])) return false;
  return true;
}

const isFileChange: Check = (value) =>
  Array.isArray(value) && value.length === 2 && isText(value[0]) && (value[1] === null || isText(value[1]));

const isRawCommit: Check = (value) =>
  isObject(value) &&
  isText(value.commit) &&
  everyOf(value.parents, isText) &&
  isText(value.author) &&
  isText(value.email) &&
  isText(value.date) &&
  isText(value.subject) &&
  isText(value.trailers) &&
  everyOf(value.files, isFileChange);

const isLog: Check = (value) =>
  isObject(value) && isText(value.dir) && isText(value.tip) && everyOf(value.commits, isRawCommit);

const isBlobImages: Check = (value) =>
  Array.isArray(value) &&
  value.length === 2 &&
  isText(value[0]) &&
  isObject(value[1]) &&
  Object.values(value[1]).every(isText);

/** The graph is walked by index from its tips: every tip a commit of it, every parent one of its commits. */
function isGraph(value: unknown): boolean {
  if (!isObject(value) || !everyOf(value.tips, isText) || !everyOf(value.ids, isText)) return false;
  const { tips, ids, parents } = value;
  const isParent: Check = (parent) =>
    Number.isInteger(parent) && (parent as number) >= 0 && (parent as number) < ids.length;
  return (
    Array.isArray(parents) &&
    parents.length === ids.length &&
    parents.every((own) => everyOf(own, isParent)) &&
    tips.every((tip) => ids.includes(tip))
  );
}

/** The clusters folder, then a line per range: a list of changes per range. */
const isRanges: Check = (value) =>
  isObject(value) &&
  isText(value.pairs) &&
  everyOf(value.changes, (changes) => everyOf(changes, isFileChange)) &&
  value.changes.length === (value.pairs as string).split("\n").length - 1;

const isHistoryReads = (value: unknown): value is HistoryReads =>
  isObject(value) &&
  everyOf(value.logs, isLog) &&
  everyOf(value.blobs, isBlobImages) &&
  isGraph(value.graph) &&
  isRanges(value.ranges);

/** An entry of another shape (e.g. edited by hand) is read past (see Store). */
const historyEntry = z.object({ view: z.string(), reads: z.custom<HistoryReads>(isHistoryReads) });

/** Where a repository's entry is kept. */
export const historyEntryFile = (store: Store, root: string) => entryFile(store, kind, root);

/** The reads this build kept for the repository and the view they were made in, when there is a well-formed entry. */
export function keptHistoryReads(store: Store, root: string): { view: string; reads: HistoryReads } | undefined {
  return readEntry(store, kind, root, historyEntry);
}

/** Keeps this build's reads, made in `view`, for the next run. */
export function keepHistoryReads(store: Store, root: string, view: string, reads: HistoryReads): void {
  keepEntry(store, kind, root, { view, reads });
}
