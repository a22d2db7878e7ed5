import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ProcessRunner, RunOptions } from "../context.ts";
import { ExitCode, Jore4FluxError } from "../errors.ts";

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
   * happens: merges and checks happen there, never in the user's work tree.
   */
  async inTemporaryWorktree<T>(commit: string, work: (git: Git) => Promise<T>): Promise<T> {
    const dir = await mkdtemp(join(tmpdir(), "jore4-flux-worktree-"));
    await this.run(["worktree", "add", "--quiet", "--detach", dir, commit]);
    try {
      return await work(new Git(this.runner, dir));
    } finally {
      await this.attempt(["worktree", "remove", "--force", dir]);
      await rm(dir, { recursive: true, force: true });
      await this.attempt(["worktree", "prune"]);
    }
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
