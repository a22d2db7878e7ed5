import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { ProjectConfig } from "../config/project.ts";
import type { Git } from "../git/git.ts";
import type { HistoryInput, RemoteState, StageCommit, StageLog } from "./history.ts";
import { imagesInManifest, type ServiceImages } from "./images.ts";
import { parseTrailerLines, readClaims } from "./message.ts";
import { branchRef } from "./repository.ts";
import { isFluxFile } from "../render/stage.ts";

const deletedBlob = /^0+$/;

/** A file a commit changed: its path and new blob, null when deleted (null, not undefined: the store's entries are JSON). */
type FileChange = [path: string, blob: string | null];

interface RawCommit {
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

/**
 * One `git log` pass over a branch's first-parent line, with the files below `dir` each commit
 * changed. `--full-history --sparse` keeps every commit, also those that leave `dir` alone; the
 * path only narrows the diffs (git then compares only that folder's trees).
 */
async function firstParentLog(git: Git, rev: string, dir: string): Promise<RawCommit[]> {
  const format = "%x1e%H%x00%P%x00%an%x00%ae%x00%cI%x00%s%x00%(trailers:only,unfold)%x00";
  const text = await git.run(
    [
      "log",
      "--first-parent",
      "--reverse",
      "--no-renames",
      "--raw",
      "--no-abbrev",
      "--full-history",
      "--sparse",
      `--format=${format}`,
      rev,
      "--",
      dir,
    ],
    { largeOutput: "utf8" },
  );
  // Read in place (history reads thousands of records): each is `\x1e`, seven NUL-ended fields, then the raw lines.
  const commits: RawCommit[] = [];
  const fields = new FieldReader(text);
  for (let at = text.indexOf("\x1e"); at >= 0;) {
    const next = text.indexOf("\x1e", at + 1);
    fields.at = at + 1;
    const commit = fields.next();
    const parents = fields.next();
    commits.push({
      commit,
      parents: parents === "" ? [] : parents.split(" "),
      author: fields.next(),
      email: fields.next(),
      date: fields.next(),
      subject: fields.next(),
      trailers: fields.next(),
      files: rawFiles(text.slice(fields.at, next < 0 ? undefined : next)),
    });
    at = next;
  }
  return commits;
}

/** Reads a text's NUL-ended fields one after another from `at`. */
class FieldReader {
  at = 0;
  constructor(private readonly text: string) {}

  next(): string {
    const end = this.text.indexOf("\x00", this.at);
    const field = this.text.slice(this.at, end);
    this.at = end + 1;
    return field;
  }
}

/**
 * The `--raw` lines `:<mode> <mode> <blob> <blob> <status>\t<path>`: path and new blob (null
 * when deleted). Flux's own objects (e.g. the notifications' secret-sync pod) are not the stage's
 * services: their files are left out.
 */
function rawFiles(raw: string): FileChange[] {
  const files: FileChange[] = [];
  // Read in place (history reads tens of thousands of these lines): the new blob is the fourth field.
  for (let at = raw.indexOf(":"); at >= 0; at = raw.indexOf("\n:", at) + 1 || -1) {
    const tab = raw.indexOf("\t", at);
    const end = raw.indexOf("\n", tab);
    const blobEnd = raw.lastIndexOf(" ", tab);
    const blob = raw.slice(raw.lastIndexOf(" ", blobEnd - 1) + 1, blobEnd);
    const path = raw.slice(tab + 1, end < 0 ? undefined : end);
    if (!isFluxFile(path)) files.push([path, deletedBlob.test(blob) ? null : blob]);
  }
  return files;
}

/** The blobs a log's commits wrote (history reads tens of thousands: indexed loops, no iterators). */
function blobsOf(log: readonly RawCommit[]): string[] {
  const blobs: string[] = [];
  for (let commit = 0; commit < log.length; commit += 1) {
    const files = log[commit]!.files;
    for (let file = 0; file < files.length; file += 1) {
      const blob = files[file]![1];
      if (blob !== null) blobs.push(blob);
    }
  }
  return blobs;
}

/** A file's images, and the services it names in order (compared for every change of the file). */
interface FileImages {
  images: ServiceImages;
  services: readonly string[];
}

function fileImages(text: string): FileImages {
  const images = imagesInManifest(text);
  return { images, services: Object.keys(images) };
}

const noImages: FileImages = { images: {}, services: [] };

/** Images per blob, each blob parsed once however many commits (and stages) share it. */
class ImageCache {
  constructor(private readonly parsed: ReadonlyMap<string, FileImages>) {}

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

function stageCommits(log: RawCommit[], cache: ImageCache): StageCommit[] {
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

interface ReflogEntry {
  to: string;
  date: string;
  reason: string;
}

/** The reflog of a remote-tracking branch, newest first: where it moved, when, and why (push, fetch, forced update). */
async function trackingReflog(git: Git, trackingRef: string): Promise<ReflogEntry[]> {
  const result = await git.attempt([
    "reflog",
    "show",
    "--date=iso-strict",
    "--format=%H%x00%gd%x00%gs",
    trackingRef,
    "--",
  ]);
  if (result.exitCode !== 0) return [];
  return result.stdout
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const [to, selector, reason] = line.split("\x00") as [string, string, string];
      return { to, date: /@\{(.*)\}$/.exec(selector)?.[1] ?? "", reason };
    });
}

function forcedUpdates(reflog: readonly ReflogEntry[]): RemoteState["forcedUpdates"] {
  return reflog.flatMap(({ to, date, reason }, index) => {
    const from = reflog[index + 1]?.to;
    if (!from || !/forced-update/.test(reason)) return [];
    return [{ date, from, to }];
  });
}

/** When this clone pushed each commit to the remote branch (git records `update by push` in the tracking ref's reflog). */
function pushes(reflog: readonly ReflogEntry[]): RemoteState["pushes"] {
  return reflog
    .filter(({ reason }) => reason.startsWith("update by push"))
    .map(({ to, date }) => ({ commit: to, date }));
}

async function aheadBehind(git: Git, local: string, tracking: string): Promise<{ ahead: number; behind: number }> {
  const [ahead, behind] = (await git.run(["rev-list", "--left-right", "--count", `${local}...${tracking}`]))
    .trim()
    .split(/\s+/)
    .map(Number);
  return { ahead: ahead ?? 0, behind: behind ?? 0 };
}

/** Commits and their parents by index: walked once per stage, so integers, not ids. */
export interface CommitGraph {
  ids: string[];
  index: Map<string, number>;
  parents: number[][];
}

/** Reads `git rev-list --parents` output: one commit and its parents per line. */
export function parseCommitGraph(text: string): CommitGraph {
  const graph: CommitGraph = { ids: [], index: new Map(), parents: [] };
  const indexOf = (id: string) => {
    let at = graph.index.get(id);
    if (at === undefined) {
      at = graph.ids.push(id) - 1;
      graph.index.set(id, at);
      graph.parents.push([]);
    }
    return at;
  };
  for (const line of text.split("\n")) {
    if (!line) continue;
    const ids = line.split(" ");
    graph.parents[indexOf(ids[0]!)] = ids.slice(1).map(indexOf);
  }
  return graph;
}

/** Every commit reachable from `tips`, with its parents, in one `git rev-list --parents` pass. */
async function commitGraph(git: Git, tips: readonly string[]): Promise<CommitGraph> {
  return parseCommitGraph(
    tips.length === 0 ? "" : await git.run(["rev-list", "--parents", ...tips, "--"], { largeOutput: "utf8" }),
  );
}

/** A graph as kept (ids and parents), with its index made again. */
function keptGraph({ ids, parents }: { ids: string[]; parents: number[][] }): CommitGraph {
  return { ids, parents, index: new Map(ids.map((id, at) => [id, at])) };
}

/** Marks every commit reachable from `tip` (through all parents), not walking past those marked in `stop`. */
function reachable(graph: CommitGraph, tip: number, stop?: Uint8Array): Uint8Array {
  const found = new Uint8Array(graph.ids.length);
  const stack = [tip];
  while (stack.length > 0) {
    const commit = stack.pop()!;
    if (found[commit] || stop?.[commit]) continue;
    found[commit] = 1;
    stack.push(...graph.parents[commit]!);
  }
  return found;
}

/** `git rev-list --count --no-merges <base>..<tip>`: the non-merge commits reachable from `tip` and not from `base`. */
export function commitsOnlyIn(graph: CommitGraph, tip: string, base: string): number {
  const only = reachable(graph, graph.index.get(tip)!, reachable(graph, graph.index.get(base)!));
  return only.reduce((count, marked, commit) => count + (marked && graph.parents[commit]!.length <= 1 ? 1 : 0), 0);
}

/** `git rev-list --first-parent <tip>`: the tip and its first parents, newest first. */
function firstParentLine(graph: CommitGraph, tip: string): string[] {
  const line: string[] = [];
  for (let commit = graph.index.get(tip); commit !== undefined; commit = graph.parents[commit]![0])
    line.push(graph.ids[commit]!);
  return line;
}

/**
 * What changes from the first to the second commit of each pair below `dir`, in one `git diff-tree
 * --stdin` pass (one process, where an `ls-tree` per source branch took three).
 */
async function treeChanges(
  git: Git,
  pairs: readonly (readonly [string, string])[],
  dir: string,
): Promise<FileChange[][]> {
  if (pairs.length === 0) return [];
  const text = await git.run(
    ["diff-tree", "--stdin", "--always", "-r", "--no-renames", "--raw", "--no-abbrev", "--", `${dir}/`],
    // A line `<to> <from>`: diff-tree compares a commit with the commits after it as with its parents.
    { input: pairs.map(([from, to]) => `${to} ${from}\n`).join("") },
  );
  // `--always`: each pair's changes follow a line naming its commit, also when there are none.
  return text
    .split(/^[0-9a-f]+\n/m)
    .slice(1)
    .map(rawFiles);
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
 * What history read of git, kept between runs by the command. Git's objects never change, so a
 * stage whose branch points where it pointed is not logged again, a blob whose images are known is
 * not read again, and the graph of the same tips and the changes of the same ranges stand.
 */
export interface HistoryReads {
  /** Each stage's log, by the stage's folder and the commit its branch pointed to. */
  logs: { dir: string; tip: string; commits: RawCommit[] }[];
  /** The images of every blob the logs and the waiting files name. */
  blobs: [blob: string, images: ServiceImages][];
  graph: { tips: string[]; ids: string[]; parents: number[][] };
  /** The clusters folder and the waiting ranges (`<tip> <source>` lines), and what changes below it over each. */
  ranges: { pairs: string; changes: FileChange[][] };
}

/**
 * What git's answers about the same commits depend on besides the objects, as one key: the
 * shallow boundary (past it a shallow clone's commits have no parents; `fetch --unshallow` and
 * `--deepen` move it), grafts, replace refs (they swap any object for another), and the
 * configuration and environment git runs in (e.g. `log.showRoot`, `core.useReplaceRefs`,
 * `GIT_NO_REPLACE_OBJECTS`). Kept reads stand only in the view they were made in. `shallow`: the
 * commits whose parents the clone does not have.
 */
interface GitView {
  key: string;
  shallow: string[];
}

type Env = Readonly<Record<string, string | undefined>>;

/** Where replace refs live for git run in `env` (`GIT_REPLACE_REF_BASE`, refs/replace/ by default). */
const replaceRefBase = (env: Env) => {
  const base = env.GIT_REPLACE_REF_BASE || "refs/replace/";
  return base.endsWith("/") ? base : `${base}/`;
};

/** A file git keeps beside the repository, or what kept it from reading (a missing one reads as nothing). */
function gitFile(path: string): string {
  try {
    return readFileSync(path, "latin1");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === "ENOENT" ? "" : `unreadable: ${code}`;
  }
}

/** The view git answers in now; `refs`: a read of the refs that holds the replace refs (`replaceRefBase`). */
async function readGitView(git: Git, env: Env, refs: Promise<ReadonlyMap<string, string>>): Promise<GitView> {
  const base = replaceRefBase(env);
  const [paths, config, replaceRefs] = await Promise.all([
    // The paths as git resolves them (GIT_DIR, GIT_COMMON_DIR, GIT_GRAFT_FILE, a linked work tree's common folder).
    git.run(["rev-parse", "--git-path", "shallow", "--git-path", "info/grafts"]),
    git.attempt(["config", "--list", "-z"]),
    refs.then((all) => [...all].filter(([ref]) => ref.startsWith(base))),
  ]);
  const [shallowText, grafts] = paths
    .split("\n")
    .slice(0, 2)
    .map((path) => gitFile(resolve(git.cwd, path)));
  const gitEnv = Object.entries(env)
    .filter(([name]) => name.startsWith("GIT_"))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const key = createHash("sha256")
    .update(JSON.stringify([shallowText, grafts, replaceRefs.sort(), config.stdout, config.exitCode, gitEnv]))
    .digest("hex");
  return { key, shallow: shallowText!.split("\n").filter((line) => /^[0-9a-f]+$/.test(line)) };
}

/**
 * Reads everything `buildHistory` needs: one log and one cat-file pass per stage branch; git runs
 * in parallel. `remote`: the one the command found (`remoteFor`); `kept`: the reads of an earlier
 * run and the view (`GitView`) they were made in, of which all that still stands is taken instead
 * of asking git when the view is the same; `env`: the environment git runs in (its GIT_ variables
 * are part of the view). `readAnew`: whether git was asked anything beyond the refs and the view;
 * `view`: the key to keep the reads under, undefined when the view changed while they were read
 * (they are then kept under none).
 */
export async function readHistoryInput(
  git: Git,
  config: ProjectConfig,
  remote: string | undefined,
  options: { kept?: { view: string; reads: HistoryReads } | undefined; env?: Env } = {},
): Promise<{ input: HistoryInput; reads: HistoryReads; readAnew: boolean; view: string | undefined }> {
  const env = options.env ?? {};
  const replaceBase = replaceRefBase(env);
  // The view is read while the refs are (its replace refs come with them).
  const refsRead = git.refs("refs/heads/", ...(remote ? [`refs/remotes/${remote}/`] : []), replaceBase);
  const view = await readGitView(git, env, refsRead);
  const refs = await refsRead;
  const heads = new Map([...refs].filter(([ref]) => ref.startsWith("refs/heads/")));
  const tracking = new Map([...refs].filter(([ref]) => remote && ref.startsWith(`refs/remotes/${remote}/`)));
  const kept = options.kept?.view === view.key ? options.kept.reads : undefined;
  // A stage with no local branch is read from the remote-tracking branch, when there is one.
  const tipOf = (branch: string) => heads.get(branchRef(branch)) ?? tracking.get(`refs/remotes/${remote}/${branch}`);
  const clusters = config.paths.clusters;
  const stageDir = (stage: { name: string }) => `${clusters}/${stage.name}/`;
  const sourceBranches = [...new Set(config.stages.map((stage) => stage.promotedFrom))];
  const mainLines = sourceBranches.filter(
    (branch) => !config.stages.some((stage) => stage.branch === branch) && tipOf(branch),
  );
  // What waits on a stage: the source's commits the stage's branch does not have.
  const waitingRanges = config.stages.map((stage) => {
    const [tip, source] = [tipOf(stage.branch), tipOf(stage.promotedFrom)];
    return tip && source ? { tip, source } : undefined;
  });
  const graphTips = [
    ...new Set([
      ...waitingRanges.flatMap((range) => (range ? [range.tip, range.source] : [])),
      ...mainLines.map((branch) => tipOf(branch)!),
    ]),
  ];

  const ranges = waitingRanges.filter((range) => range !== undefined);
  // The changes are those below the clusters folder: a range is the same only for the same folder.
  const pairs = [clusters, ...ranges.map((range) => `${range.tip} ${range.source}`)].join("\n");
  let readAnew = false;
  const anew = <T>(read: Promise<T>) => ((readAnew = true), read);
  // Every git command starts at once, the graph first (its walk over every commit is the longest);
  // each stage's files are read, and its commits built, as soon as its log is in.
  const graphRead =
    kept && kept.graph.tips.join(" ") === graphTips.join(" ")
      ? Promise.resolve(keptGraph(kept.graph))
      : anew(commitGraph(git, graphTips));
  const rangeChanges =
    kept && kept.ranges.pairs === pairs
      ? Promise.resolve(kept.ranges.changes)
      : anew(
          treeChanges(
            git,
            ranges.map((range) => [range.tip, range.source] as const),
            clusters,
          ),
        );
  const remotesRead = remote ? remoteStates(git, config, remote, heads, tracking) : Promise.resolve([]);
  const images = new Map<string, FileImages>(
    (kept?.blobs ?? []).map(([blob, own]) => [blob, { images: own, services: Object.keys(own) }]),
  );
  const imageCache = new ImageCache(images);
  const stagesRead = Promise.all(
    config.stages.map(async (stage, index) => {
      const [tip, dir] = [tipOf(stage.branch), stageDir(stage)];
      const keptLog = kept?.logs.find((log) => log.dir === dir && log.tip === tip)?.commits;
      // Logged from the commit the branch pointed to (not its name): the log is kept under that commit.
      const log = keptLog ?? (tip ? await anew(firstParentLog(git, tip, dir)) : []);
      const range = waitingRanges[index];
      const waiting = range && waitingFiles(log, (await rangeChanges)[ranges.indexOf(range)]!, dir);
      const blobs = [...blobsOf(log), ...(waiting?.values() ?? [])];
      const unknown = blobs.filter((blob) => !images.has(blob));
      if (unknown.length > 0)
        for (const [blob, read] of await anew(git.readObjects(unknown, fileImages))) images.set(blob, read);
      return {
        log,
        blobs,
        recorded: tip === undefined ? undefined : { dir, tip, commits: log },
        commits: stageCommits(log, imageCache),
        waitingImages: waiting && imageCache.imagesOf(waiting),
      };
    }),
  );
  const [graph, reads, remotes, changes] = await Promise.all([graphRead, stagesRead, remotesRead, rangeChanges]);

  const stages: StageLog[] = config.stages.map((stage, index) => {
    const range = waitingRanges[index];
    const { commits, waitingImages } = reads[index]!;
    return {
      stage: stage.name,
      branch: stage.branch,
      promotedFrom: stage.promotedFrom,
      commits,
      waiting:
        range && waitingImages
          ? { images: waitingImages, commits: commitsOnlyIn(graph, range.source, range.tip) }
          : undefined,
    };
  });
  const sourceLines: Record<string, string[]> = Object.fromEntries(
    mainLines.map((branch) => [branch, firstParentLine(graph, tipOf(branch)!)]),
  );
  config.stages.forEach((stage, index) => {
    if (sourceBranches.includes(stage.branch)) sourceLines[stage.branch] = reads[index]!.log.map((raw) => raw.commit);
  });
  const named = new Set(reads.flatMap((read) => read.blobs));
  // Reads made while the view changed (a fetch deepening the clone meanwhile) are kept under no view.
  const keptUnder =
    readAnew && (await readGitView(git, env, git.refs(replaceBase))).key !== view.key ? undefined : view.key;
  return {
    input: { stages, sourceLines, remotes, shallow: view.shallow },
    reads: {
      logs: reads.flatMap((read) => (read.recorded ? [read.recorded] : [])),
      blobs: [...named].flatMap((blob) => {
        const read = images.get(blob);
        return read ? [[blob, read.images] as [string, ServiceImages]] : [];
      }),
      graph: { tips: graphTips, ids: graph.ids, parents: graph.parents },
      ranges: { pairs, changes },
    },
    readAnew,
    view: keptUnder,
  };
}

/**
 * The files a stage would get from its source: its own at its tip (replayed from its log), changed
 * as far as the source (`changes` below the clusters folder), in the tree's order (git sorts by
 * path): where two files name a service, the later one's image wins.
 */
function waitingFiles(log: readonly RawCommit[], changes: readonly FileChange[], dir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (let commit = 0; commit < log.length; commit += 1) applyChanges(files, log[commit]!.files);
  applyChanges(
    files,
    changes.filter(([path]) => path.startsWith(dir)),
  );
  return new Map([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** What the clone saw of each stage branch's remote-tracking branch: divergence, forced updates, pushes. */
function remoteStates(
  git: Git,
  config: ProjectConfig,
  remote: string,
  heads: ReadonlyMap<string, string>,
  tracking: ReadonlyMap<string, string>,
): Promise<RemoteState[]> {
  return Promise.all(
    config.stages
      .filter((stage) => tracking.has(`refs/remotes/${remote}/${stage.branch}`))
      .map(async (stage): Promise<RemoteState> => {
        const trackingRef = `refs/remotes/${remote}/${stage.branch}`;
        const [counts, reflog] = await Promise.all([
          heads.has(branchRef(stage.branch)) ? aheadBehind(git, stage.branch, trackingRef) : { ahead: 0, behind: 0 },
          trackingReflog(git, trackingRef),
        ]);
        return {
          branch: stage.branch,
          remote,
          ...counts,
          forcedUpdates: forcedUpdates(reflog),
          pushes: pushes(reflog),
        };
      }),
  );
}
