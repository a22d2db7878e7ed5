import { ExitCode, Jore4FluxError } from "./errors.ts";

/**
 * Everything a command needs from its surroundings, in one value: output, a person to ask, a way
 * to run programs, a clock and the environment. `main(argv, context)` receives it; the real one is
 * built from `process` by src/process-context.ts (the only module that reads `process`), tests
 * build their own (test/support/cli.ts). Nothing else reads `process.env`, `process.cwd()` or
 * writes `process.stdout`.
 */
export interface Context {
  /** Data: what a command prints as its result (one JSON document with --json). */
  readonly stdout: Writer;
  /** Progress, diagnostics and errors. */
  readonly stderr: Writer;
  /** Asks a person one question; undefined when nobody can answer (no terminal, no scripted answer). */
  prompt(question: string): Promise<string | undefined>;
  /** Runs a program: every git, kubectl, kustomize, kind, az, helm and go call goes through it. */
  readonly run: ProcessRunner;
  now(): Date;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly stdinIsTTY: boolean;
  readonly stderrIsTTY: boolean;
  /**
   * The running build (a digest of dist/stamp.json, which holds the bundle's own digest besides
   * its inputs'): answers kept between runs are keyed by it.
   * Undefined when the sources run (through tsx, or in tests), and then nothing is kept.
   */
  readonly build?: string | undefined;
}

export interface Writer {
  write(text: string): void;
}

export interface RunOptions {
  /** Default: the context's working folder. */
  cwd?: string;
  /** Added to (and overriding) the context's environment. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Standard input: the whole text, or pieces written as they come (the program reads while more are made). */
  input?: string | AsyncIterable<string>;
  /** Let the program talk to the person (e.g. `az login`'s device-code prompt). */
  stdin?: "inherit";
  stderr?: "inherit";
  /**
   * Standard output through an unlinked temporary file, read whole once the program exits and
   * decoded so (`latin1`: a character per byte, for outputs measured in bytes): for megabytes,
   * which a 64 KiB pipe hands over in hundreds of wake-ups of both processes (through a pipe
   * still where no such file can be made). `all` then holds standard error only.
   */
  largeOutput?: "utf8" | "latin1";
  /**
   * Bounds the program: when it aborts, the program is killed (SIGKILL: only for programs that may
   * be stopped at any point, such as reads) and the result is a failure naming the signal's reason;
   * one aborted already is not started.
   */
  signal?: AbortSignal;
}

export interface RunResult {
  stdout: string;
  stderr: string;
  /** Standard output and error interleaved. */
  all: string;
  exitCode: number;
  /** Non-zero exit, a signal, or the program could not be started. */
  failed: boolean;
  /** A short description of the failure (e.g. `spawn kind ENOENT`). */
  message: string;
}

/** Runs `file` with `args`; never rejects for a failing program (see `failed`). */
export type ProcessRunner = (file: string, args: readonly string[], options?: RunOptions) => Promise<RunResult>;

/** Data output: a line (or block) of text on standard output. */
export function print(context: Context, text: string): void {
  context.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
}

/** The one JSON document a `--json` command prints. */
export function printJson(context: Context, value: unknown): void {
  // Two writes: appending the newline would copy a large document (history's are megabytes) once more.
  context.stdout.write(JSON.stringify(value, null, 2));
  context.stdout.write("\n");
}

/** A progress or diagnostic line on standard error. */
export function progress(context: Context, text: string): void {
  context.stderr.write(`${text}\n`);
}

/** Whether a person at a terminal can answer a question. */
export const canAsk = (context: Context) => context.stdinIsTTY && context.stderrIsTTY;

/**
 * A yes/no question: `yes` answers it (CI); otherwise a person at a terminal is asked, and with
 * no terminal the command refuses rather than guess.
 */
export async function confirm(context: Context, question: string, yes: boolean | undefined): Promise<boolean> {
  if (yes) return true;
  if (!canAsk(context)) {
    throw new Jore4FluxError(`needs confirmation (${question}) and there is no terminal to ask`, {
      exitCode: ExitCode.refused,
      hint: "run it in a terminal, or pass --yes (CI)",
    });
  }
  return /^y(es)?$/i.test((await context.prompt(`${question} [y/N] `)) ?? "");
}
