import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { Command } from "commander";
import type { Context } from "../context.ts";
import { ExitCode, Jore4FluxError } from "../errors.ts";
import { projectConfigFile } from "../values/load.ts";

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
export function repositoryRoot(context: Context, command: Command): string {
  return findRoot(resolve(context.cwd, (command.optsWithGlobals() as { dir: string }).dir));
}
