import { diskFiles, filesBelow } from "../io/source-files.ts";
import { removeFiles, writeFiles } from "../io/tree.ts";
import type { GeneratePlan } from "./plan.ts";

/** Where `crds build` and `schemas update` keep what they generate. */
export const crdsDir = "crds";
export const schemasDir = "schemas";

/**
 * The folders of committed generated files, relative to the repository: generate's (clusters/
 * and the compose bundles'), crds/ and schemas/. Nothing else may write there (bundle --output).
 */
export const generatedFolders = (paths: { clusters: string; compose: string }): string[] => [
  paths.clusters,
  paths.compose,
  crdsDir,
  schemasDir,
];

/** The generated folder a repository path is in (or is), if any. */
export const generatedFolderOf = (path: string, folders: readonly string[]): string | undefined =>
  folders.find((folder) => path === folder || path.startsWith(`${folder}/`));

/**
 * The one mechanism for committed generated files (clusters/, crds/, schemas/, the README's
 * table of contents): what a generator produces, compared with the disk as a GeneratePlan, so
 * that every `--check` reports missing, changed and extra files with a diff the same way
 * (src/command/report.ts), and every write goes through the same writer.
 */
export function planFiles(
  root: string,
  expected: Readonly<Record<string, string>>,
  /** Folders wholly produced by the generator: a file there it no longer produces is extra. */
  owned: readonly string[] = [],
): GeneratePlan {
  const files = diskFiles(root);
  const plan: GeneratePlan = { writes: [], removals: [], unchanged: [], foreign: [] };
  for (const [path, text] of Object.entries(expected).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const previous = files.read(path);
    if (previous === text) plan.unchanged.push(path);
    else plan.writes.push({ path, text, previous });
  }
  for (const file of owned.flatMap((dir) => filesBelow(files, dir)))
    if (!(file.path in expected)) plan.removals.push(file);
  return plan;
}

/** Carries out a plan: writes, then removes extras (and the folders left empty, up to `stopAt`). */
export function applyFiles(root: string, plan: GeneratePlan, stopAt: string): void {
  writeFiles(root, plan.writes);
  removeFiles(
    root,
    plan.removals.map((file) => file.path),
    stopAt,
  );
}
