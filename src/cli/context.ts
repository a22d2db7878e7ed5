import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
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

/** Output conventions: data to stdout, progress and diagnostics to stderr. */
export const out = {
  data: (text: string) => process.stdout.write(text.endsWith("\n") ? text : `${text}\n`),
  json: (value: unknown) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`),
  progress: (text: string) => process.stderr.write(`${text}\n`),
};
