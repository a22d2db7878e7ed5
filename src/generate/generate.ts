import { diskFiles, filesBelow, type SourceFiles } from "../io/source-files.ts";
import { removeFiles, writeFiles } from "../io/tree.ts";
import { planGenerate, type GeneratePlan } from "./plan.ts";
import { renderProject } from "./render-project.ts";

export interface ProjectPlan {
  plan: GeneratePlan;
  /** The generated folders: clusters/ and the compose bundles' folder. */
  outputDirs: string[];
}

/** Renders every stage in memory from `files` (default: the work tree) and compares with `clusters/` and `compose/`. */
export function planProject(root: string, files: SourceFiles = diskFiles(root)): ProjectPlan {
  const { project, stages, bundles } = renderProject(files);
  const outputDirs = [project.config.paths.clusters, project.config.paths.compose];
  const existing = outputDirs.flatMap((dir) => filesBelow(diskFiles(root), dir));
  return { plan: planGenerate(stages, existing, bundles), outputDirs };
}

export function applyPlan(root: string, { plan, outputDirs }: ProjectPlan): void {
  writeFiles(root, plan.writes);
  for (const dir of outputDirs)
    removeFiles(
      root,
      plan.removals.map((file) => file.path).filter((path) => path.startsWith(`${dir}/`)),
      dir,
    );
}

/** Plans, and writes only if asked: an invalid input throws before anything is written. */
export function generate(root: string, options: { write: boolean }): GeneratePlan {
  const planned = planProject(root);
  if (options.write) applyPlan(root, planned);
  return planned.plan;
}
