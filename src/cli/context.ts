import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { progress, type Context } from "../context.ts";
import type { WriteOptions } from "../generate/generate.ts";
import { ExitCode, Jore4FluxError } from "../errors.ts";
import { projectConfigFile } from "../config/project-file.ts";

/** Finds the repository root: the folder given, or the nearest one up from it holding jore4-flux.yaml. */
export function findRoot(start: string): string {
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    if (existsSync(join(dir, projectConfigFile))) return dir;
    if (dirname(dir) === dir) break;
  }
  throw new Jore4FluxError(`no ${projectConfigFile} in ${resolve(start)} or any folder above it`, {
    exitCode: ExitCode.invalid,
    hint: "run inside the jore4-flux repository, or name it with --dir",
  });
}

/** The repository a command works on: `--dir` (relative to the context's folder), or the one around it. */
export function repositoryRoot(context: Context, command: { optsWithGlobals(): object }): string {
  return findRoot(resolve(context.cwd, (command.optsWithGlobals() as { dir?: string }).dir ?? "."));
}

/** How a command that writes clusters/ reports (waiting for the lock), and the kill tests' hold point. */
export function writeOptions(context: Context): WriteOptions {
  return { progress: (line) => progress(context, line), hold: context.env.JORE4_FLUX_TEST_HOLD };
}
