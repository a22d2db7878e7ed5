import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
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

/** What `Git.objectReader` gives. */
export interface ObjectReader<T> {
  /** What was made of every object read so far, once git has answered `ids` (a missing object is left out). */
  read(ids: readonly string[]): Promise<ReadonlyMap<string, T>>;
  /** Ends git's input and waits for it to exit; a failure shows in the reads it left unanswered. */
  close(): Promise<void>;
}

/**
 * Reads `git cat-file --batch` output chunk by chunk: `<id> <type> <size>` and the contents, or
 * `<id> missing`. Chunks are joined only when a record is complete (a large object arrives in
 * many pieces, and joining each one to the rest would copy it over and over).
 */
function batchOutputReader(answer: (id: string, text: string | undefined) => void): (chunk: Uint8Array) => void {
  let pieces: Buffer[] = [];
  let length = 0;
  /** Bytes the record being read needs in all (0: its header line is not complete yet). */
  let needed = 0;
  return (chunk) => {
    pieces.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    length += chunk.byteLength;
    if (length < needed) return;
    const output = pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces, length);
    let at = 0;
    needed = 0;
    for (;;) {
      const headerEnd = output.indexOf(10, at);
      if (headerEnd < 0) break;
      const header = output.toString("latin1", at, headerEnd).split(" ");
      if (header[1] === "missing" || header[2] === undefined) {
        answer(header[0]!, undefined);
        at = headerEnd + 1;
        continue;
      }
      const end = headerEnd + 1 + Number(header[2]);
      if (end >= output.length) {
        needed = end + 1 - at;
        break;
      }
      answer(header[0]!, output.toString("utf8", headerEnd + 1, end));
      at = end + 1;
    }
    pieces = at < output.length ? [output.subarray(at)] : [];
    length = output.length - at;
  };
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

  /** The contents of many objects in one `git cat-file --batch` pass. */
  async readObjects(ids: readonly string[]): Promise<ReadonlyMap<string, string>> {
    if (ids.length === 0) return new Map();
    const reader = this.objectReader((text) => text);
    try {
      return await reader.read(ids);
    } finally {
      await reader.close();
    }
  }

  /**
   * One `git cat-file --batch` kept open from now on: objects are asked for as their ids become
   * known and each is made into what `read` makes of its text as it arrives (history reads
   * thousands while other git commands still run). `close` after the last `read`.
   */
  objectReader<T>(read: (text: string) => T): ObjectReader<T> {
    const questions = new PassThrough();
    const answers = new Map<string, T>();
    const asked = new Set<string>();
    let answered = 0;
    let failure: Error | undefined;
    /** Reads waiting for the first `until` objects asked, in the order they were asked. */
    const waiting: { until: number; done: () => void; fail: (error: Error) => void }[] = [];
    const settle = () => {
      while (waiting.length > 0 && (failure || waiting[0]!.until <= answered)) {
        const next = waiting.shift()!;
        if (failure) next.fail(failure);
        else next.done();
      }
    };
    const output = batchOutputReader((id, text) => {
      answered += 1;
      if (text !== undefined) answers.set(id, read(text));
    });
    const finished = this.runner("git", ["cat-file", "--batch"], {
      cwd: this.cwd,
      input: questions,
      env: gitEnv,
      onStdout: (chunk) => {
        try {
          output(chunk);
        } catch (error) {
          failure ??= error as Error;
        }
        settle();
      },
    }).then((result) => {
      failure ??= result.failed
        ? new Jore4FluxError(`git cat-file --batch failed: ${result.stderr.trim() || result.message}`, {
            exitCode: ExitCode.failed,
          })
        : answered < asked.size
          ? new Jore4FluxError("git cat-file --batch ended before it answered every question", {
              exitCode: ExitCode.failed,
            })
          : undefined;
      settle();
    });
    return {
      read: (ids) => {
        let fresh = "";
        for (const id of ids) {
          if (asked.has(id)) continue;
          asked.add(id);
          fresh += `${id}\n`;
        }
        if (fresh) questions.write(fresh);
        return new Promise((done, fail) => {
          waiting.push({ until: asked.size, done: () => done(answers), fail });
          settle();
        });
      },
      close: async () => {
        questions.end();
        await finished;
      },
    };
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
