import { diskFiles } from "../io/source-files.ts";
import { readTree, removeFiles, writeFiles } from "../io/tree.ts";
import { planGenerate, type GeneratePlan } from "./plan.ts";
import { renderProject } from "./render-project.ts";

/** Renders every stage in memory, compares with `clusters/`, and writes only if asked and all went well. */
export function generate(root: string, options: { write: boolean }): GeneratePlan {
  const { project, stages } = renderProject(diskFiles(root));
  const clustersDir = project.config.paths.clusters;
  const plan = planGenerate(stages, readTree(root, clustersDir));
  if (options.write) {
    writeFiles(root, plan.writes);
    removeFiles(root, plan.removals.map((file) => file.path), clustersDir);
  }
  return plan;
}
