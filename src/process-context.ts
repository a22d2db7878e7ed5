import { createInterface } from "node:readline/promises";
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { closeSync, fstatSync, openSync, readSync, unlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import type { Context, ProcessRunner } from "./context.ts";

/**
 * The process runner over Node's own child processes (execa cost more to load and per call than
 * it gave here): the context's environment (not the process's) and working folder, no rejection
 * on failure, whole outputs kept (a large standard output in a file, see RunOptions.largeOutput),
 * standard output and error also interleaved as they arrived.
 */
export function processRunner(env: Readonly<Record<string, string | undefined>>, cwd: string): ProcessRunner {
  return (file, args, options = {}) =>
    new Promise((resolve) => {
      const command = [file, ...args].join(" ");
      const { signal } = options;
      if (signal?.aborted) {
        const message = `Command not started (${abortReason(signal)}): ${command}`;
        resolve({ stdout: "", stderr: "", all: "", exitCode: 1, failed: true, message });
        return;
      }
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      const all: Buffer[] = [];
      const outputFile = options.largeOutput ? unlinkedFile(env.TMPDIR || tmpdir()) : undefined;
      let child;
      try {
        child = spawn(file, [...args], {
          cwd: options.cwd ?? cwd,
          env: { ...env, ...options.env },
          stdio: [
            options.stdin ?? (options.input === undefined ? "ignore" : "pipe"),
            outputFile ?? "pipe",
            options.stderr ?? "pipe",
          ],
          // A bounded program leads a process group of its own: stopping it stops what it started
          // too (kubectl's credential plugin, the kubectl a kubectl dispatcher runs).
          detached: signal !== undefined,
        });
      } catch (error) {
        // spawn throws at once for bad arguments: the output file must not stay open.
        if (outputFile !== undefined) closeSync(outputFile);
        throw error;
      }
      child.stdout?.on("data", (chunk: Buffer) => {
        stdout.push(chunk);
        if (!options.largeOutput) all.push(chunk);
      });
      child.stderr?.on("data", (chunk: Buffer) => void (stderr.push(chunk), all.push(chunk)));
      // A program that exits without reading its input closes the pipe: not a failure of ours.
      child.stdin?.on("error", () => {});
      if (typeof options.input === "string") child.stdin?.end(options.input);
      else if (options.input !== undefined && child.stdin) Readable.from(options.input).pipe(child.stdin);
      let spawnError: Error | undefined;
      child.on("error", (error) => (spawnError = error));
      let stopped: string | undefined;
      const stop = () => {
        stopped = abortReason(signal!);
        try {
          process.kill(-child.pid!, "SIGKILL");
        } catch {
          // Gone already, or not started (spawn reports why).
        }
      };
      signal?.addEventListener("abort", stop, { once: true });
      child.on("exit", () => {
        signal?.removeEventListener("abort", stop);
        // A program it started that left the group may still hold the pipes: once the program
        // stopped is gone, its output is complete as far as this caller cares.
        if (stopped !== undefined) {
          child.stdout?.destroy();
          child.stderr?.destroy();
        }
      });
      child.on("close", (code, killedWith) => {
        signal?.removeEventListener("abort", stop);
        const out = outputFile === undefined ? Buffer.concat(stdout) : readWhole(outputFile);
        const exitCode = code ?? 1;
        const failed = spawnError !== undefined || killedWith !== null || exitCode !== 0;
        resolve({
          stdout: out.toString(options.largeOutput ?? "utf8"),
          stderr: Buffer.concat(stderr).toString("utf8"),
          // Decoded only when read: most callers want stdout alone, and history's outputs are megabytes.
          get all() {
            return options.stderr === "inherit" ? "" : Buffer.concat(all).toString("utf8");
          },
          exitCode: spawnError ? 1 : exitCode,
          failed,
          message: spawnError
            ? `Command failed: ${command}: ${spawnError.message}`
            : stopped !== undefined
              ? `Command stopped (${stopped}): ${command}`
              : killedWith
                ? `Command was killed with ${killedWith}: ${command}`
                : failed
                  ? `Command failed with exit code ${exitCode}: ${command}`
                  : "",
        });
      });
    });
}

/** Why a signal aborted, in words: its reason's message (AbortSignal.timeout's says "due to timeout"). */
const abortReason = (signal: AbortSignal) =>
  signal.reason instanceof Error ? signal.reason.message : String(signal.reason ?? "aborted");

/**
 * A new file in `folder` no name leads to (gone however the process ends), open to read and
 * write; undefined where none can be made (the output then comes through a pipe).
 */
function unlinkedFile(folder: string): number | undefined {
  const path = join(folder, `jore4-flux-${process.pid}-${randomUUID()}.out`);
  let fd: number;
  try {
    fd = openSync(path, "wx+", 0o600);
  } catch {
    return undefined;
  }
  unlinkSync(path);
  return fd;
}

/**
 * An open regular file's bytes from its start, `size` of them expected: one read asks for a byte
 * more, and a shorter read is the end (a regular file's reads are short only there); a file that
 * grew is read on. Positioned reads: the offset may be shared (a child's output file).
 */
export function readOpenFile(fd: number, size: number): Buffer {
  let bytes = Buffer.allocUnsafe(size + 1);
  let length = 0;
  for (;;) {
    const read = readSync(fd, bytes, length, bytes.length - length, length);
    length += read;
    if (read === 0 || length < bytes.length) return bytes.subarray(0, length);
    bytes = Buffer.concat([bytes, Buffer.allocUnsafe(bytes.length)]);
  }
}

/** Reads a file descriptor from its start, and closes it. */
function readWhole(fd: number): Buffer {
  try {
    return readOpenFile(fd, fstatSync(fd).size);
  } finally {
    closeSync(fd);
  }
}

/** This process's id: what names its temporary files and its locks (src/io/tree.ts, git worktrees). */
export const ownPid = process.pid;

/** Whether this process runs as root (a file it replaces then keeps its owner: src/io/output-file.ts). */
export const runsAsRoot = process.getuid?.() === 0;

/** Whether the process `pid` runs (one of another user's counts): a lock a dead run left is taken over. */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The real context of the `jore4-flux` binary: this process's streams, terminal, environment and folder. */
export function processContext(build?: string): Context {
  const env = { ...process.env };
  const cwd = process.cwd();
  return {
    stdout: { write: (text) => void process.stdout.write(text) },
    stderr: { write: (text) => void process.stderr.write(text) },
    async prompt(question) {
      if (!process.stdin.isTTY) return undefined;
      const terminal = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return (await terminal.question(question)).trim();
      } finally {
        terminal.close();
      }
    },
    run: processRunner(env, cwd),
    now: () => new Date(),
    env,
    cwd,
    stdinIsTTY: Boolean(process.stdin.isTTY),
    stderrIsTTY: Boolean(process.stderr.isTTY),
    build,
  };
}
