import { mkdtemp, rm } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { basename, join } from "node:path";
import type { ProcessRunner, RunOptions } from "../context.ts";
import { ExitCode, Jore4FluxError } from "../errors.ts";
import { isRunning, ownPid } from "../process-context.ts";

/** One ref update inside an atomic `git update-ref --stdin` transaction. */
export interface RefUpdate {
  ref: string;
  /** The commit the ref must point to afterwards; undefined deletes it. */
  to: string | undefined;
  /** The commit the ref must hold now (undefined: must not exist); the update fails otherwise. */
  from: string | undefined;
}

export interface GitResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** No pager, no prompts, no editor, C locale for parsable output. */
const gitEnv = { GIT_TERMINAL_PROMPT: "0", GIT_PAGER: "cat", LC_ALL: "C", GIT_EDITOR: "true" };

const zeroId = "0000000000000000000000000000000000000000";

/** What a git command is given: its input, and whether its output is large (see RunOptions.largeOutput). */
type GitRunOptions = Pick<RunOptions, "input" | "largeOutput">;

/**
 * Reads `git cat-file --batch` output, decoded a character per byte (latin1): `<id> <type> <size>`
 * and the contents, or `<id> missing`. Contents are decoded as UTF-8 again only when not ASCII.
 */
function readBatchOutput<T>(output: string, read: (text: string) => T): Map<string, T> {
  const objects = new Map<string, T>();
  let at = 0;
  while (at < output.length) {
    const headerEnd = output.indexOf("\n", at);
    if (headerEnd < 0) break;
    const header = output.slice(at, headerEnd).split(" ");
    if (header[1] === "missing" || header[2] === undefined) {
      at = headerEnd + 1;
      continue;
    }
    const end = headerEnd + 1 + Number(header[2]);
    const bytes = output.slice(headerEnd + 1, end);
    objects.set(header[0]!, read(nonAscii.test(bytes) ? Buffer.from(bytes, "latin1").toString("utf8") : bytes));
    at = end + 1;
  }
  return objects;
}

/** A character of a latin1-decoded text that is no ASCII byte. */
const nonAscii = /[\u0080-\u00ff]/;

/** Every temporary work tree's folder name starts with this. */
const temporaryWorktreePrefix = "jore4-flux-worktree-";

/**
 * The lock reason of the temporary work trees a run makes (`git worktree add --lock`; git writes it
 * before anything else of the work tree): the run and machine that own it. Locked, a run's work
 * tree is pruned by no one; once its run no longer runs, the next run removes it.
 */
const worktreeOwner = (pid: number, host: string) => `jore4-flux temporary work tree of process ${pid} on ${host}`;
const ownerReason = /^jore4-flux temporary work tree of process (\d+) on (.+)$/;

/**
 * The temporary work trees in `git worktree list --porcelain` output that a run killed on `host`
 * left: locked by a jore4-flux run of this machine that no longer runs (another machine's runs
 * sharing the repository cannot be told, and are left alone).
 */
export function leftoverWorktrees(porcelain: string, host: string, running: (pid: number) => boolean): string[] {
  return porcelain.split(/\n\n+/).flatMap((entry) => {
    const lines = entry.split("\n");
    const dir = lines.find((line) => line.startsWith("worktree "))?.slice("worktree ".length);
    const owner = ownerReason.exec(lines.find((line) => line.startsWith("locked "))?.slice("locked ".length) ?? "");
    if (!dir || !basename(dir).startsWith(temporaryWorktreePrefix) || !owner || owner[2] !== host) return [];
    return running(Number(owner[1])) ? [] : [dir];
  });
}

/**
 * The only place that runs git. Every other module asks this one, so the rules (no pager, no
 * prompts, C locale for parsable output) are set once.
 */
export class Git {
  constructor(
    private readonly runner: ProcessRunner,
    readonly cwd: string,
  ) {}

  /** Runs git; returns the result even when git fails. */
  async attempt(args: readonly string[], options: GitRunOptions = {}): Promise<GitResult> {
    const result = await this.runner("git", args, { cwd: this.cwd, ...options, env: gitEnv });
    return { stdout: result.stdout, stderr: result.stderr, exitCode: result.exitCode };
  }

  /** Runs git and returns its output; a failure becomes an error naming the command and git's message. */
  async run(args: readonly string[], options: GitRunOptions = {}): Promise<string> {
    const result = await this.attempt(args, options);
    if (result.exitCode !== 0) {
      throw new Jore4FluxError(`git ${args.join(" ")} failed: ${(result.stderr || result.stdout).trim()}`, {
        exitCode: ExitCode.failed,
      });
    }
    return result.stdout;
  }

  /** The full commit id `rev` names, or undefined when it names no commit. */
  async commit(rev: string): Promise<string | undefined> {
    const result = await this.attempt(["rev-parse", "--verify", "--quiet", `${rev}^{commit}`]);
    return result.exitCode === 0 ? result.stdout.trim() : undefined;
  }

  async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    return (await this.attempt(["merge-base", "--is-ancestor", ancestor, descendant])).exitCode === 0;
  }

  /** `git status --porcelain` lines: empty when the work tree and index are clean. */
  async uncleanPaths(): Promise<string[]> {
    return (await this.run(["status", "--porcelain", "--untracked-files=normal"])).split("\n").filter(Boolean);
  }

  /** The checked-out branch, or undefined on a detached HEAD. */
  async currentBranch(): Promise<string | undefined> {
    const result = await this.attempt(["symbolic-ref", "--quiet", "--short", "HEAD"]);
    return result.exitCode === 0 ? result.stdout.trim() : undefined;
  }

  /** Every ref under the prefixes (e.g. `refs/heads/`) with the commit it points to. */
  async refs(...prefixes: string[]): Promise<Map<string, string>> {
    const text = await this.run(["for-each-ref", "--format=%(refname) %(objectname)", ...prefixes]);
    return new Map(
      text
        .split("\n")
        .filter(Boolean)
        .map((line) => line.split(" ") as [string, string]),
    );
  }

  async remotes(): Promise<string[]> {
    return (await this.run(["remote"])).split("\n").filter(Boolean);
  }

  async config(key: string): Promise<string | undefined> {
    const result = await this.attempt(["config", "--get", key]);
    return result.exitCode === 0 ? result.stdout.trim() : undefined;
  }

  /** Moves several refs at once, each only if it still holds what it held when we looked. */
  async updateRefs(updates: readonly RefUpdate[], reason: string): Promise<void> {
    if (updates.length === 0) return;
    const lines = updates.map((update) =>
      update.to === undefined
        ? `delete ${update.ref} ${update.from ?? ""}`
        : `update ${update.ref} ${update.to} ${update.from ?? zeroId}`,
    );
    await this.run(["update-ref", "-m", reason, "--stdin"], {
      input: ["start", ...lines, "prepare", "commit", ""].join("\n"),
    });
  }

  /**
   * Runs `work` in a temporary detached work tree at `commit`, removed afterwards whatever
   * happens: merges and checks happen there, never in the user's work tree. It is locked for this
   * run (`worktreeOwner`) until then, so that a killed run's is found by the next
   * (`removeLeftoverWorktrees`) and a running one's left alone.
   */
  async inTemporaryWorktree<T>(commit: string, work: (git: Git) => Promise<T>): Promise<T> {
    const dir = await mkdtemp(join(tmpdir(), temporaryWorktreePrefix));
    try {
      const lock = ["--lock", "--reason", worktreeOwner(ownPid, hostname())];
      await this.run(["worktree", "add", "--quiet", "--detach", ...lock, dir, commit]);
      return await work(new Git(this.runner, dir));
    } finally {
      // Twice --force: a locked work tree is removed only so.
      await this.attempt(["worktree", "remove", "--force", "--force", dir]);
      await rm(dir, { recursive: true, force: true });
      await this.attempt(["worktree", "prune"]);
    }
  }

  /**
   * Removes the temporary work trees that killed runs left (`leftoverWorktrees`), then prunes
   * what git lists of work trees whose folders are gone; returns the folders removed.
   */
  async removeLeftoverWorktrees(): Promise<string[]> {
    const list = await this.attempt(["worktree", "list", "--porcelain"]);
    if (list.exitCode !== 0) return [];
    const leftovers = leftoverWorktrees(list.stdout, hostname(), isRunning);
    for (const dir of leftovers) {
      const removed = await this.attempt(["worktree", "remove", "--force", "--force", dir]);
      if (removed.exitCode === 0) continue;
      // Gone already, or half made (killed while git added it): unlocked, and its folder removed, for the prune.
      await this.attempt(["worktree", "unlock", dir]);
      await rm(dir, { recursive: true, force: true });
    }
    await this.attempt(["worktree", "prune"]);
    return leftovers;
  }

  /**
   * What `read` makes of each object's contents (default: the text), by id, in one `git cat-file
   * --batch` pass; a missing object is left out.
   */
  async readObjects(ids: readonly string[]): Promise<ReadonlyMap<string, string>>;
  async readObjects<T>(ids: readonly string[], read: (text: string) => T): Promise<ReadonlyMap<string, T>>;
  async readObjects(
    ids: readonly string[],
    read: (text: string) => unknown = (text) => text,
  ): Promise<ReadonlyMap<string, unknown>> {
    if (ids.length === 0) return new Map();
    const output = await this.run(["cat-file", "--batch"], {
      input: `${[...new Set(ids)].join("\n")}\n`,
      largeOutput: "latin1",
    });
    return readBatchOutput(output, read);
  }

  /** Blob ids of the files below `dir` at `rev` (the whole tree without `dir`), by path. */
  async filesAt(rev: string, dir?: string): Promise<Map<string, string>> {
    const text = await this.run(["ls-tree", "-r", "--full-tree", rev, ...(dir === undefined ? [] : ["--", `${dir}/`])]);
    const files = new Map<string, string>();
    for (const line of text.split("\n").filter(Boolean)) {
      const [meta, path] = line.split("\t") as [string, string];
      files.set(path, meta.split(" ")[2]!);
    }
    return files;
  }
}
