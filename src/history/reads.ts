import type { ServiceImages } from "../promotion/images.ts";
import type { CommitGraph } from "./commit-graph.ts";

/**
 * The reads `history` makes of git, as types: what the plan (read-plan.ts) asks for, what a
 * `HistoryReader` answers (git-reads.ts asks git; kept-reads.ts answers from an earlier run's
 * record first) and what the assembly (assemble.ts) builds the history's input from.
 */

/** A file a commit changed: its path and new blob, null when deleted (null, not undefined: kept reads are JSON). */
export type FileChange = [path: string, blob: string | null];

/** One commit of a stage branch's first-parent log, as git prints it. */
export interface LogCommit {
  commit: string;
  parents: string[];
  author: string;
  email: string;
  date: string;
  subject: string;
  trailers: string;
  /** Every file below the log's folder the commit changed (against its first parent), Flux's own left out. */
  files: FileChange[];
}

/** What waits on a stage: the commits of `source` (its source branch's tip) that `tip` (its own) does not have. */
export interface CommitRange {
  tip: string;
  source: string;
}

/** Git's answers `history` builds on. Git's objects never change: the same question has the same answer (in one view, see read.ts). */
export interface HistoryReader {
  /** The first-parent log from `tip` with the files below `dir` each commit changed, oldest first. */
  log(dir: string, tip: string): Promise<LogCommit[]>;
  /** Every commit reachable from `tips`, with its parents. */
  graph(tips: readonly string[]): Promise<CommitGraph>;
  /** What changes below `dir` from each range's tip to its source, one list per range. */
  changes(dir: string, ranges: readonly CommitRange[]): Promise<FileChange[][]>;
  /** The images of the Deployments each blob holds (every blob asked for is in the answer). */
  images(blobs: readonly string[]): Promise<ReadonlyMap<string, ServiceImages>>;
}
