import { diskFiles, filesBelow, tracingFiles, type SourceFiles } from "../io/source-files.ts";
import { keepUpToDate } from "./up-to-date-entry.ts";
import type { Store } from "../store/store.ts";
import { cleanAll, replaceStageFolders, restoreInterrupted, withLock, type StageChange } from "../io/tree.ts";
import { isUpToDate, planGenerate, type GeneratePlan } from "./plan.ts";
import { renderProject } from "./render-project.ts";
import { loadProjectConfig } from "../config/load.ts";

export interface ProjectPlan {
  plan: GeneratePlan;
  /** The generated folders: clusters/ and the compose bundles' folder. */
  outputDirs: string[];
}

/**
 * Renders every stage in memory from `files` (default: the work tree) and compares with the
 * generated folders as `output` has them (default: the work tree's `clusters/` and `compose/`).
 */
export function planProject(
  root: string,
  files: SourceFiles = diskFiles(root),
  output: SourceFiles = diskFiles(root),
): ProjectPlan {
  const { project, stages, bundles } = renderProject(files);
  const outputDirs = [project.config.paths.clusters, project.config.paths.compose];
  const existing = outputDirs.flatMap((dir) => filesBelow(output, dir));
  return { plan: planGenerate(stages, existing, bundles), outputDirs };
}

/**
 * `generate --check`: the plan against the work tree; with a store of a build, an up-to-date
 * answer is kept there for the next check of the same build (see up-to-date-entry.ts).
 */
export function checkProject(root: string, store: Store, progress: (line: string) => void): GeneratePlan {
  const { clusters, compose } = loadProjectConfig(diskFiles(root)).config.paths;
  restoreInterrupted(root, [clusters, compose], progress);
  if (store.build === undefined) return planProject(root).plan;
  const traced = tracingFiles(diskFiles(root));
  const { plan } = planProject(root, traced.files, traced.files);
  if (isUpToDate(plan))
    keepUpToDate(store, root, {
      questions: traced.questions(),
      digest: traced.digest(),
      unchanged: plan.unchanged,
      foreign: plan.foreign,
    });
  return plan;
}

/** Where a write reports (waiting for the lock), and the kill tests' hold point (src/io/tree.ts). */
export interface WriteOptions {
  progress: (line: string) => void;
  hold?: string | undefined;
}

/** The plan's changes in `dir` by stage folder (the first path segment below it). */
function changesByStage(plan: GeneratePlan, dir: string): Map<string, StageChange> {
  const changes = new Map<string, StageChange>();
  const below = (path: string) => path.startsWith(`${dir}/`);
  const of = (path: string) => {
    const stage = path.slice(dir.length + 1).split("/")[0]!;
    return changes.get(stage) ?? changes.set(stage, { writes: [], removals: [] }).get(stage)!;
  };
  for (const write of plan.writes.filter((write) => below(write.path))) of(write.path).writes.push(write);
  for (const file of plan.removals.filter((file) => below(file.path))) of(file.path).removals.push(file.path);
  return changes;
}

/**
 * Writes a plan under the lock of the first output folder (clusters/): leftovers of a killed run
 * are undone first, then each stage folder of every output folder is replaced whole.
 */
function writeLocked(root: string, outputDirs: readonly string[], plan: () => GeneratePlan, options: WriteOptions) {
  return withLock(
    root,
    outputDirs[0]!,
    () => {
      cleanAll(root, outputDirs, options.progress);
      const planned = plan();
      for (const dir of outputDirs) replaceStageFolders(root, dir, changesByStage(planned, dir), options);
      return planned;
    },
    options.progress,
  );
}

/** Writes a plan made earlier (set-image, images update). */
export function applyPlan(root: string, { plan, outputDirs }: ProjectPlan, options: WriteOptions): void {
  writeLocked(root, outputDirs, () => plan, options);
}

/** Writes what the plan changes: an invalid input throws before anything is written. */
export function generate(root: string, options: WriteOptions): GeneratePlan {
  const files = diskFiles(root);
  const { clusters, compose } = loadProjectConfig(files).config.paths;
  // The plan is made holding the lock, after the cleanup, so it sees the folders as they really are.
  return writeLocked(root, [clusters, compose], () => planProject(root, files).plan, options);
}
