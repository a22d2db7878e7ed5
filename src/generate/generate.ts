import { diskFiles, filesBelow, type SourceFiles } from "../io/source-files.ts";
import { cleanLeftovers, replaceStageFolders, withLock, type StageChange } from "../io/tree.ts";
import { planGenerate, type GeneratePlan } from "./plan.ts";
import { renderProject } from "./render-project.ts";
import { loadProjectConfig } from "../values/load.ts";

export interface ProjectPlan {
  plan: GeneratePlan;
  clustersDir: string;
}

/** Renders every stage in memory from `files` (default: the work tree) and compares with `clusters/`. */
export function planProject(root: string, files: SourceFiles = diskFiles(root)): ProjectPlan {
  const { project, stages } = renderProject(files);
  const clustersDir = project.config.paths.clusters;
  return { plan: planGenerate(stages, filesBelow(diskFiles(root), clustersDir)), clustersDir };
}

/** Where a write reports (waiting for the lock), and the kill tests' hold point (src/io/tree.ts). */
export interface WriteOptions {
  progress: (line: string) => void;
  hold?: string | undefined;
}

/** The plan's changes by stage folder (the first path segment below the clusters folder). */
function changesByStage({ plan, clustersDir }: ProjectPlan): Map<string, StageChange> {
  const changes = new Map<string, StageChange>();
  const of = (path: string) => {
    const stage = path.slice(clustersDir.length + 1).split("/")[0]!;
    return changes.get(stage) ?? changes.set(stage, { writes: [], removals: [] }).get(stage)!;
  };
  for (const write of plan.writes) of(write.path).writes.push(write);
  for (const file of plan.removals) of(file.path).removals.push(file.path);
  return changes;
}

/** Writes the plan holding the clusters folder's lock, each stage folder replaced whole. */
export function applyPlan(root: string, planned: ProjectPlan, options: WriteOptions): void {
  withLock(
    root,
    planned.clustersDir,
    () => {
      cleanLeftovers(root, planned.clustersDir);
      replaceStageFolders(root, planned.clustersDir, changesByStage(planned), options);
    },
    options.progress,
  );
}

/** Plans, and writes only if asked: an invalid input throws before anything is written. */
export function generate(root: string, options: { write: false } | ({ write: true } & WriteOptions)): GeneratePlan {
  if (!options.write) return planProject(root).plan;
  const files = diskFiles(root);
  const clustersDir = loadProjectConfig(files).config.paths.clusters;
  return withLock(
    root,
    clustersDir,
    () => {
      // Leftovers of a killed run are undone first, so the plan sees the folders as they really are.
      cleanLeftovers(root, clustersDir);
      const planned = planProject(root, files);
      replaceStageFolders(root, clustersDir, changesByStage(planned), options);
      return planned.plan;
    },
    options.progress,
  );
}
