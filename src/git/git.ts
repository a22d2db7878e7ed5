import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ProcessRunner } from "../context.ts";
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
  async attempt(args: readonly string[], options: { input?: string } = {}): Promise<GitResult> {
    const result = await this.runner("git", args, {
      cwd: this.cwd,
      ...(options.input !== undefined ? { input: options.input } : {}),
      env: gitEnv,
    });
    return { stdout: result.stdout, stderr: result.stderr, exitCode: result.exitCode };
  }

  /** Runs git and returns its output; a failure becomes an error naming the command and git's message. */
  async run(args: readonly string[], options: { input?: string } = {}): Promise<string> {
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

  /** The contents of many objects in one `git cat-file --batch` pass (`--buffer`: one write per full buffer, not per object). */
  async readObjects(ids: readonly string[]): Promise<Map<string, string>> {
    return this.readObjectsAs(ids, (text) => text);
  }

  /** `readObjects` keeping only what `read` makes of each text (history reads thousands: the texts need not stay in memory). */
  async readObjectsAs<T>(ids: readonly string[], read: (text: string) => T): Promise<Map<string, T>> {
    const wanted = [...new Set(ids)];
    const contents = new Map<string, T>();
    if (wanted.length === 0) return contents;
    const result = await this.runner("git", ["cat-file", "--batch", "--buffer"], {
      cwd: this.cwd,
      input: `${wanted.join("\n")}\n`,
      env: gitEnv,
      binary: true,
    });
    if (result.failed)
      throw new Jore4FluxError(`git cat-file --batch failed: ${result.stderr.trim() || result.message}`, {
        exitCode: ExitCode.failed,
      });
    const output = Buffer.from(result.stdoutBytes ?? new Uint8Array());
    let at = 0;
    while (at < output.length) {
      const headerEnd = output.indexOf(10, at);
      const [id, type, size] = output.subarray(at, headerEnd).toString("utf8").split(" ");
      if (type === "missing" || size === undefined) {
        at = headerEnd + 1;
        continue;
      }
      const length = Number(size);
      contents.set(id!, read(output.subarray(headerEnd + 1, headerEnd + 1 + length).toString("utf8")));
      at = headerEnd + 1 + length + 1;
    }
    return contents;
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
