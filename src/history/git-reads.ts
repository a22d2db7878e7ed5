import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { aheadBehind } from "../git/branches.ts";
import type { Git } from "../git/git.ts";
import { imagesInManifest } from "../promotion/images.ts";
import { isFluxFile } from "../render/stage.ts";
import { parseCommitGraph } from "./commit-graph.ts";
import type { RemoteState } from "./input.ts";
import type { RemoteRead } from "./read-plan.ts";
import type { CommitRange, FileChange, HistoryReader, LogCommit } from "./reads.ts";

/** `history`'s questions to git: the `HistoryReader` that asks git, the remote-tracking reads and the view git answers in. */

const deletedBlob = /^0+$/;

/**
 * One `git log` pass over a branch's first-parent line, with the files below `dir` each commit
 * changed. `--full-history --sparse` keeps every commit, also those that leave `dir` alone; the
 * path only narrows the diffs (git then compares only that folder's trees).
 */
async function firstParentLog(git: Git, rev: string, dir: string): Promise<LogCommit[]> {
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
  const commits: LogCommit[] = [];
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

/**
 * What changes from each range's tip to its source below `dir`, in one `git diff-tree --stdin`
 * pass (one process, where an `ls-tree` per source branch took three).
 */
async function treeChanges(git: Git, dir: string, ranges: readonly CommitRange[]): Promise<FileChange[][]> {
  if (ranges.length === 0) return [];
  const text = await git.run(
    ["diff-tree", "--stdin", "--always", "-r", "--no-renames", "--raw", "--no-abbrev", "--", `${dir}/`],
    // A line `<to> <from>`: diff-tree compares a commit with the commits after it as with its parents.
    { input: ranges.map(({ tip, source }) => `${source} ${tip}\n`).join("") },
  );
  // `--always`: each pair's changes follow a line naming its commit, also when there are none.
  return text
    .split(/^[0-9a-f]+\n/m)
    .slice(1)
    .map(rawFiles);
}

/** The `HistoryReader` that asks git: one log pass per stage, one graph pass, one diff-tree and cat-file pass. */
export function gitHistoryReader(git: Git): HistoryReader {
  return {
    log: (dir, tip) => firstParentLog(git, tip, dir),
    // Every commit reachable from the tips, with its parents, in one `git rev-list --parents` pass.
    graph: async (tips) =>
      parseCommitGraph(
        tips.length === 0 ? "" : await git.run(["rev-list", "--parents", ...tips, "--"], { largeOutput: "utf8" }),
      ),
    changes: (dir, ranges) => treeChanges(git, dir, ranges),
    images: (blobs) => git.readObjects(blobs, imagesInManifest),
  };
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

/** What the clone saw of a stage branch's remote-tracking branch: divergence, forced updates, pushes (never kept: reflogs move). */
export async function readRemoteState(git: Git, read: RemoteRead): Promise<RemoteState> {
  const [counts, reflog] = await Promise.all([
    read.local === undefined ? { ahead: 0, behind: 0 } : aheadBehind(git, read.local, read.tracking),
    trackingReflog(git, read.trackingRef),
  ]);
  return {
    branch: read.branch,
    remote: read.remote,
    ...counts,
    forcedUpdates: forcedUpdates(reflog),
    pushes: pushes(reflog),
  };
}

/**
 * What git's answers about the same commits depend on besides the objects, as one key: the
 * shallow boundary (past it a shallow clone's commits have no parents; `fetch --unshallow` and
 * `--deepen` move it), grafts, replace refs (they swap any object for another), and the
 * configuration and environment git runs in (e.g. `log.showRoot`, `core.useReplaceRefs`,
 * `GIT_NO_REPLACE_OBJECTS`). Kept reads stand only in the view they were made in. `shallow`: the
 * commits whose parents the clone does not have.
 */
export interface GitView {
  key: string;
  shallow: string[];
}

export type Env = Readonly<Record<string, string | undefined>>;

/** Where replace refs live for git run in `env` (`GIT_REPLACE_REF_BASE`, refs/replace/ by default). */
export const replaceRefBase = (env: Env) => {
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
export async function readGitView(git: Git, env: Env, refs: Promise<ReadonlyMap<string, string>>): Promise<GitView> {
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
