import { createInterface } from "node:readline/promises";
import { execa } from "execa";
import type { Context, ProcessRunner } from "./context.ts";

/**
 * The process runner over execa: the context's environment (not the process's) and working
 * folder, no rejection on failure, whole outputs kept.
 */
export function processRunner(env: Readonly<Record<string, string | undefined>>, cwd: string): ProcessRunner {
  return async (file, args, options = {}) => {
    const result = await execa(file, [...args], {
      cwd: options.cwd ?? cwd,
      env: { ...env, ...options.env },
      extendEnv: false,
      input: options.input,
      stdin: options.stdin ?? (options.input === undefined ? "ignore" : "pipe"),
      stderr: options.stderr ?? "pipe",
      all: options.stderr !== "inherit",
      reject: false,
      stripFinalNewline: false,
      maxBuffer: 1024 * 1024 * 1024,
      ...(options.binary ? { encoding: "buffer" as const } : {}),
    });
    const text = (value: unknown) =>
      value instanceof Uint8Array ? Buffer.from(value).toString("utf8") : String(value ?? "");
    return {
      stdout: text(result.stdout),
      stderr: text(result.stderr),
      all: text(result.all),
      exitCode: result.exitCode ?? 1,
      failed: result.failed,
      message: result.shortMessage ?? "",
      ...(options.binary ? { stdoutBytes: result.stdout as Uint8Array } : {}),
    };
  };
}

/** The real context of the `jore4-flux` binary: this process's streams, terminal, environment and folder. */
export function processContext(): Context {
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
  };
}
