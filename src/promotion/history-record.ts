import { keepRepositoryRecord, readRepositoryRecord, repositoryRecordFile } from "../io/repository-records.ts";
import type { HistoryReads } from "./read-history.ts";

// history's reads of git (`HistoryReads`), kept per repository for the build that made them: the
// images of a blob are what this build's code reads in it, so another build reads again. Sources
// run without a build keep nothing.
const kind = "history";

interface HistoryRecord {
  build: string;
  reads: HistoryReads;
}

/** Where a repository's record is kept. */
export const historyRecordFile = (root: string) => repositoryRecordFile(kind, root);

/** The reads this build kept for the repository, when there is a well-formed record of them. */
export function keptHistoryReads(root: string, build: string | undefined): HistoryReads | undefined {
  if (build === undefined) return undefined;
  const record = readRepositoryRecord(kind, root) as HistoryRecord | undefined;
  if (record?.build !== build) return undefined;
  // A record of this build has this shape; one edited by hand may not, and is then read past.
  const { logs, blobs, graph, ranges } = record.reads ?? {};
  const wellFormed =
    Array.isArray(logs) &&
    Array.isArray(blobs) &&
    Array.isArray(graph?.tips) &&
    Array.isArray(graph.ids) &&
    Array.isArray(graph.parents) &&
    typeof ranges?.pairs === "string" &&
    Array.isArray(ranges.changes);
  return wellFormed ? record.reads : undefined;
}

/** Keeps this build's reads for the next run (nothing without a build). */
export function keepHistoryReads(root: string, build: string | undefined, reads: HistoryReads): void {
  if (build !== undefined) keepRepositoryRecord(kind, root, { build, reads } satisfies HistoryRecord);
}
