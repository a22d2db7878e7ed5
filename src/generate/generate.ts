import { diskFiles, filesBelow, type SourceFiles } from "../io/source-files.ts";
import { removeFiles, writeFiles } from "../io/tree.ts";
import { planGenerate, type GeneratePlan } from "./plan.ts";
import { renderProject } from "./render-project.ts";

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

export function applyPlan(root: string, { plan, clustersDir }: ProjectPlan): void {
  writeFiles(root, plan.writes);
  removeFiles(
    root,
    plan.removals.map((file) => file.path),
    clustersDir,
  );
}

/** Plans, and writes only if asked: an invalid input throws before anything is written. */
export function generate(root: string, options: { write: boolean }): GeneratePlan {
  const planned = planProject(root);
  if (options.write) applyPlan(root, planned);
  return planned.plan;
}
