import type { ServiceImages } from "../promotion/images.ts";
import { graphOf } from "./commit-graph.ts";
import type { CommitRange, FileChange, HistoryReader, LogCommit } from "./reads.ts";

/**
 * What history read of git, kept between runs (promotion/history-record.ts stores it). Git's
 * objects never change, so a stage whose branch points where it pointed is not logged again, a
 * blob whose images are known is not read again, and the graph of the same tips and the changes
 * of the same ranges stand (in the same view of git: read.ts checks that before it hands them on).
 */
export interface HistoryReads {
  /** Each stage's log, by the stage's folder and the commit its branch pointed to. */
  logs: { dir: string; tip: string; commits: LogCommit[] }[];
  /** The images of every blob the logs and the waiting files name. */
  blobs: [blob: string, images: ServiceImages][];
  graph: { tips: string[]; ids: string[]; parents: number[][] };
  /** The clusters folder and the waiting ranges (`<tip> <source>` lines), and what changes below it over each. */
  ranges: { pairs: string; changes: FileChange[][] };
}

/** The record's form of a `changes` question: the folder, then a line `<tip> <source>` per range. */
const rangesText = (dir: string, ranges: readonly CommitRange[]) =>
  [dir, ...ranges.map(({ tip, source }) => `${tip} ${source}`)].join("\n");

const sameList = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((item, index) => item === b[index]);

/**
 * `base` with the reads of an earlier run (`kept`) answered from them, the way `tracingFiles`
 * wraps `SourceFiles`: `reads()` is what this run asked and was told (to keep for the next run),
 * `readAnew()` whether `base` was asked anything. Ask each question once a run; call `reads()`
 * once every answer is in.
 */
export function keptHistoryReader(
  base: HistoryReader,
  kept: HistoryReads | undefined,
): { reader: HistoryReader; reads(): HistoryReads; readAnew(): boolean } {
  let readAnew = false;
  const anew = <T>(read: Promise<T>) => ((readAnew = true), read);
  const logs: HistoryReads["logs"] = [];
  let graph: HistoryReads["graph"] = { tips: [], ids: [], parents: [] };
  let ranges: HistoryReads["ranges"] = { pairs: "", changes: [] };
  const images = new Map<string, ServiceImages>(kept?.blobs);
  const named = new Set<string>();
  const reader: HistoryReader = {
    async log(dir, tip) {
      const recorded = { dir, tip, commits: [] as LogCommit[] };
      logs.push(recorded);
      const keptLog = kept?.logs.find((log) => log.dir === dir && log.tip === tip)?.commits;
      recorded.commits = keptLog ?? (await anew(base.log(dir, tip)));
      return recorded.commits;
    },
    async graph(tips) {
      const answer = kept && sameList(kept.graph.tips, tips) ? graphOf(kept.graph) : await anew(base.graph(tips));
      graph = { tips: [...tips], ids: answer.ids, parents: answer.parents };
      return answer;
    },
    async changes(dir, asked) {
      const pairs = rangesText(dir, asked);
      const changes = kept?.ranges.pairs === pairs ? kept.ranges.changes : await anew(base.changes(dir, asked));
      ranges = { pairs, changes };
      return changes;
    },
    async images(blobs) {
      for (const blob of blobs) named.add(blob);
      const unknown = [...new Set(blobs)].filter((blob) => !images.has(blob));
      if (unknown.length > 0) for (const [blob, read] of await anew(base.images(unknown))) images.set(blob, read);
      return images;
    },
  };
  return {
    reader,
    readAnew: () => readAnew,
    // Sorted: the stages' logs and blobs come in in no fixed order, and the same reads must keep
    // the same entry.
    reads: () => ({
      logs: [...logs].sort((a, b) => (a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : 0)),
      blobs: [...named].sort().flatMap((blob) => {
        const read = images.get(blob);
        return read ? [[blob, read] as [string, ServiceImages]] : [];
      }),
      graph,
      ranges,
    }),
  };
}
