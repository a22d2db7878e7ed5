import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
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

/** Runs the real binary in a subprocess, as a user would (stdin closed): for the few smoke tests of the binary itself. */
export async function runBinary(dir: string, args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const result = await execa(process.execPath, [join(repoRoot, "bin/jore4-flux.js"), "--dir", dir, ...args], {
    reject: false,
    env: cleanEnv(env),
    extendEnv: false,
    stdin: "ignore",
  });
  return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
}
