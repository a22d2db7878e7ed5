import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa, type ResultPromise } from "execa";
import { main } from "../../src/cli/main.ts";
import type { Context } from "../../src/context.ts";
import { processRunner } from "../../src/process-context.ts";
import type { Store } from "../../src/store/store.ts";
import { repoRoot } from "./repo-fixture.ts";

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Writes a run's exit code and output on stderr, under `what`: a failing cluster test's record of what the CLI said. */
export const showResult = (what: string, result: CliResult) =>
  process.stderr.write(`--- ${what} (exit ${result.exitCode})\n${result.stdout}\n${result.stderr}\n`);

export interface TestContextOptions {
  /** Added to a clean copy of this process's environment (without DEBUG). */
  env?: Record<string, string>;
  /** Default: this process's working folder. */
  cwd?: string;
  /** Scripted answers to the prompts, in order; given, the context acts as a terminal. */
  answers?: string[];
  /** Replaces the real process runner (e.g. one that fails, to test the unexpected-error path). */
  run?: Context["run"];
  /** The running build, as the binary gives it from dist/ (answers kept between runs are keyed by it). */
  build?: string;
}

/**
 * The store every CLI run of this test process keeps its entries in (JORE4_FLUX_CACHE): its own,
 * so no test file sees another's entries or the developer's; removed as the process exits.
 */
export const testStoreDir = mkdtempSync(join(tmpdir(), "jore4-flux-test-store-"));
process.once("exit", () => rmSync(testStoreDir, { recursive: true, force: true }));

/** The store of the test runs made with `build` (src/store/store.ts): where to look for their entries. */
export const testStore = (build: string): Store => ({ dir: testStoreDir, build });

/** The environment a test's CLI run gets: this process's, without what would change the tool's behaviour. */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...process.env, JORE4_FLUX_CACHE: testStoreDir, ...extra };
  if (!("DEBUG" in extra)) delete env.DEBUG;
  return env;
}

/** A context capturing stdout and stderr, with the real process runner and scripted prompt answers. */
export function testContext(
  options: TestContextOptions = {},
): Context & { stdoutText(): string; stderrText(): string } {
  const env = cleanEnv(options.env);
  const cwd = options.cwd ?? process.cwd();
  const stdout: string[] = [];
  const stderr: string[] = [];
  const answers = options.answers ? [...options.answers] : undefined;
  const asked: string[] = [];
  return {
    stdout: { write: (text) => void stdout.push(text) },
    stderr: { write: (text) => void stderr.push(text) },
    prompt: async (question) => {
      asked.push(question);
      stderr.push(question);
      return answers?.shift();
    },
    run: options.run ?? processRunner(env, cwd),
    now: () => new Date(),
    env,
    cwd,
    stdinIsTTY: answers !== undefined,
    stderrIsTTY: answers !== undefined,
    build: options.build,
    stdoutText: () => stdout.join(""),
    stderrText: () => stderr.join(""),
  };
}

/** Runs `main` in this process, as the binary would, against a test context; `args` after the program name. */
export async function runMain(args: string[], options: TestContextOptions = {}): Promise<CliResult> {
  const context = testContext(options);
  const exitCode = await main(args, context);
  // Without the final newline, as a subprocess's output read with execa (what these tests were written against).
  const chomp = (text: string) => text.replace(/\n$/, "");
  return { exitCode, stdout: chomp(context.stdoutText()), stderr: chomp(context.stderrText()) };
}

/** Runs the CLI in-process against the repository `dir` (no terminal unless answers are scripted). */
export async function runCli(
  dir: string,
  args: string[],
  env: Record<string, string> = {},
  options: Omit<TestContextOptions, "env"> = {},
): Promise<CliResult> {
  return runMain(["--dir", dir, ...args], { ...options, env });
}

/** The CLI's binary, as npx runs it: dist/ when built and current, else the sources through tsx. */
export const binaryPath = join(repoRoot, "bin", "jore4-flux.js");

/** The command line that runs the binary (`--dir dir` first when given): for a test that runs it under another program (setpriv, unshare). */
export function binaryArgv(dir: string | undefined, args: string[]): [string, ...string[]] {
  return [process.execPath, binaryPath, ...(dir === undefined ? [] : ["--dir", dir]), ...args];
}

/** Options of a binary run: `env` is added to a clean copy of this process's environment (cleanEnv). */
export interface BinaryOptions {
  env?: Record<string, string>;
  cwd?: string;
}

/**
 * Starts the real binary in a subprocess, as a user would (stdin closed), for a test that holds,
 * kills or watches it while it runs; the result never rejects.
 */
export function startBinary(dir: string | undefined, args: string[], options: BinaryOptions = {}): ResultPromise {
  const [file, ...argv] = binaryArgv(dir, args);
  return execa(file, argv, {
    reject: false,
    env: cleanEnv(options.env),
    extendEnv: false,
    stdin: "ignore",
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
  });
}

/** Runs the real binary in a subprocess, as a user would (stdin closed): for the few smoke tests of the binary itself. */
export async function runBinary(
  dir: string | undefined,
  args: string[],
  env: Record<string, string> = {},
): Promise<CliResult> {
  const result = await startBinary(dir, args, { env });
  return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
}

/**
 * The binary run synchronously, ended by `timeoutMs` (SIGTERM): for a run that may block in a
 * system call (a FIFO read) where this process could not step in; `signal` says it was ended.
 */
export function runBinarySync(
  dir: string,
  args: string[],
  timeoutMs: number,
): CliResult & { signal: NodeJS.Signals | null } {
  const [file, ...argv] = binaryArgv(dir, args);
  const run = spawnSync(file, argv, { encoding: "utf8", timeout: timeoutMs, env: cleanEnv(), stdio: "pipe" });
  return { exitCode: run.status ?? -1, stdout: run.stdout, stderr: run.stderr, signal: run.signal };
}
