import { createInterface } from "node:readline/promises";
import { spawn } from "node:child_process";
import { Readable } from "node:stream";
import type { Context, ProcessRunner } from "./context.ts";

/**
 * The process runner over Node's own child processes (execa cost more to load and per call than
 * it gave here): the context's environment (not the process's) and working folder, no rejection
 * on failure, whole outputs kept (or standard output handed over as it arrives), standard output
 * and error also interleaved as they arrived.
 */
export function processRunner(env: Readonly<Record<string, string | undefined>>, cwd: string): ProcessRunner {
  return (file, args, options = {}) =>
    new Promise((resolve) => {
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      const all: Buffer[] = [];
      const command = [file, ...args].join(" ");
      const child = spawn(file, [...args], {
        cwd: options.cwd ?? cwd,
        env: { ...env, ...options.env },
        stdio: [options.stdin ?? (options.input === undefined ? "ignore" : "pipe"), "pipe", options.stderr ?? "pipe"],
      });
      child.stdout?.on("data", options.onStdout ?? ((chunk: Buffer) => void (stdout.push(chunk), all.push(chunk))));
      child.stderr?.on("data", (chunk: Buffer) => void (stderr.push(chunk), all.push(chunk)));
      // A program that exits without reading its input closes the pipe: not a failure of ours.
      child.stdin?.on("error", () => {});
      if (typeof options.input === "string") child.stdin?.end(options.input);
      else if (options.input !== undefined && child.stdin) Readable.from(options.input).pipe(child.stdin);
      let spawnError: Error | undefined;
      child.on("error", (error) => (spawnError = error));
      child.on("close", (code, signal) => {
        const out = Buffer.concat(stdout);
        const exitCode = code ?? 1;
        const failed = spawnError !== undefined || signal !== null || exitCode !== 0;
        resolve({
          stdout: out.toString("utf8"),
          stderr: Buffer.concat(stderr).toString("utf8"),
          // Decoded only when read: most callers want stdout alone, and history's outputs are megabytes.
          get all() {
            return options.stderr === "inherit" ? "" : Buffer.concat(all).toString("utf8");
          },
          exitCode: spawnError ? 1 : exitCode,
          failed,
          message: spawnError
            ? `Command failed: ${command}: ${spawnError.message}`
            : signal
              ? `Command was killed with ${signal}: ${command}`
              : failed
                ? `Command failed with exit code ${exitCode}: ${command}`
                : "",
        });
      });
    });
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
