import type { ServiceImages } from "../promotion/images.ts";
import { parseTrailerLines, readClaims } from "../promotion/message.ts";
import { commitsOnlyIn, firstParentLine, type CommitGraph } from "./commit-graph.ts";
import type { HistoryInput, RemoteState, StageCommit, StageLog } from "./input.ts";
import type { HistoryReadPlan } from "./read-plan.ts";
import type { FileChange, LogCommit } from "./reads.ts";

/** Builds `buildHistory`'s input from git's answers to a plan's reads (pure). */

/** Git's answers to a `HistoryReadPlan`. */
export interface HistoryAnswers {
  /** Each planned stage's log (empty without a tip), in the plan's order. */
  logs: readonly (readonly LogCommit[])[];
  graph: CommitGraph;
  /** Each planned range's changes below the clusters folder, in the plan's order. */
  changes: readonly (readonly FileChange[])[];
  /** The images of (at least) every blob `blobsNamed` names. */
  images: ReadonlyMap<string, ServiceImages>;
  remotes: readonly RemoteState[];
  /** A shallow clone's boundary commits. */
  shallow: readonly string[];
}

/** Applies changed files to a folder's files. */
function applyChanges(files: Map<string, string>, changes: readonly FileChange[]): void {
  for (let index = 0; index < changes.length; index += 1) {
    const path = changes[index]![0];
    const blob = changes[index]![1];
    if (blob === null) files.delete(path);
    else files.set(path, blob);
  }
}

/**
 * The files a stage would get from its source: its own at its tip (replayed from its log), changed
 * as far as the source (`changes` below the clusters folder), in the tree's order (git sorts by
 * path): where two files name a service, the later one's image wins.
 */
function waitingFiles(log: readonly LogCommit[], changes: readonly FileChange[], dir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (let commit = 0; commit < log.length; commit += 1) applyChanges(files, log[commit]!.files);
  applyChanges(
    files,
    changes.filter(([path]) => path.startsWith(dir)),
  );
  return new Map([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The blobs whose images a stage's history needs: those its log wrote, and those waiting below `dir` in `changes`. */
export function blobsNamed(
  log: readonly LogCommit[],
  changes: readonly FileChange[] | undefined,
  dir: string,
): string[] {
  const blobs: string[] = [];
  for (let commit = 0; commit < log.length; commit += 1) {
    const files = log[commit]!.files;
    for (let file = 0; file < files.length; file += 1) {
      const blob = files[file]![1];
      if (blob !== null) blobs.push(blob);
    }
  }
  for (const [path, blob] of changes ?? []) if (blob !== null && path.startsWith(dir)) blobs.push(blob);
  return blobs;
}

/** A file's images, and the services it names in order (compared for every change of the file). */
interface FileImages {
  images: ServiceImages;
  services: readonly string[];
}

const noImages: FileImages = { images: {}, services: [] };

/** Images per blob, each blob's services listed once however many commits (and stages) share it. */
class ImageCache {
  private readonly parsed: ReadonlyMap<string, FileImages>;
  constructor(images: ReadonlyMap<string, ServiceImages>) {
    this.parsed = new Map([...images].map(([blob, own]) => [blob, { images: own, services: Object.keys(own) }]));
  }

  of(blob: string): FileImages {
    return this.parsed.get(blob) ?? noImages;
  }

  /** The files' images merged in the files' order (a later file wins), as Object.assign would. */
  imagesOf(files: ReadonlyMap<string, string>): ServiceImages {
    const images: Record<string, string> = {};
    for (const blob of files.values()) {
      const own = this.of(blob).images;
      for (const service in own) images[service] = own[service]!;
    }
    return images;
  }
}

const sameServices = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((service, index) => service === b[index]);

/** A stage folder's files and the images they hold, kept up to date commit by commit. */
class StageImages {
  private readonly files = new Map<string, string>();
  images: ServiceImages = {};
  /** Services named over all files, repeats counted: the merged count when no service is in two files. */
  private named = 0;
  private distinct = 0;
  constructor(private readonly cache: ImageCache) {}

  apply(changes: readonly FileChange[]): void {
    // Files changed in place that name the same services, none of them in another file, are only patched in.
    let patch: Record<string, string> | undefined = this.named === this.distinct ? {} : undefined;
    for (let index = 0; index < changes.length; index += 1) {
      const path = changes[index]![0];
      const blob = changes[index]![1];
      const before = this.files.get(path);
      const old = before === undefined ? undefined : this.cache.of(before);
      const now = blob === null ? undefined : this.cache.of(blob);
      this.named += (now?.services.length ?? 0) - (old?.services.length ?? 0);
      if (blob === null) this.files.delete(path);
      else this.files.set(path, blob);
      if (patch && old && now && sameServices(old.services, now.services)) Object.assign(patch, now.images);
      else patch = undefined;
    }
    if (patch) this.images = { ...this.images, ...patch };
    else {
      this.images = this.cache.imagesOf(this.files);
      this.distinct = Object.keys(this.images).length;
    }
  }
}

function stageCommits(log: readonly LogCommit[], cache: ImageCache): StageCommit[] {
  const state = new StageImages(cache);
  return log.map((raw) => {
    if (raw.files.length > 0) state.apply(raw.files);
    return {
      commit: raw.commit,
      parents: raw.parents,
      author: raw.author,
      email: raw.email,
      date: raw.date,
      subject: raw.subject,
      claims: readClaims(parseTrailerLines(raw.trailers)),
      images: state.images,
    };
  });
}

/** The history's input: each stage's commits with their images, what waits on it, and the source branches' lines. */
export function assembleHistoryInput(plan: HistoryReadPlan, answers: HistoryAnswers): HistoryInput {
  const cache = new ImageCache(answers.images);
  const stages = plan.stages.map((stage, index): StageLog => {
    const log = answers.logs[index]!;
    const range = stage.range === undefined ? undefined : plan.ranges[stage.range]!;
    const waiting = range && cache.imagesOf(waitingFiles(log, answers.changes[stage.range!]!, stage.dir));
    return {
      stage: stage.stage,
      branch: stage.branch,
      promotedFrom: stage.promotedFrom,
      commits: stageCommits(log, cache),
      waiting:
        range && waiting
          ? { images: waiting, commits: commitsOnlyIn(answers.graph, range.source, range.tip) }
          : undefined,
    };
  });
  const sourceLines: Record<string, string[]> = Object.fromEntries(
    plan.mainLines.map(({ branch, tip }) => [branch, firstParentLine(answers.graph, tip)]),
  );
  const sourceBranches = new Set(plan.stages.map((stage) => stage.promotedFrom));
  plan.stages.forEach((stage, index) => {
    if (sourceBranches.has(stage.branch)) sourceLines[stage.branch] = answers.logs[index]!.map((raw) => raw.commit);
  });
  return { stages, sourceLines, remotes: answers.remotes, shallow: answers.shallow };
}
