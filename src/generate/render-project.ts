import type { SourceFiles } from "../io/source-files.ts";
import { renderStage, type RenderedStage } from "../render/stage.ts";
import { loadProject, type Project } from "../values/load.ts";

export interface RenderedProject {
  project: Project;
  stages: RenderedStage[];
}

/** values → validated model → objects, for every stage (or the named ones). Pure given `files`. */
export function renderProject(files: SourceFiles, onlyStages?: readonly string[]): RenderedProject {
  const project = loadProject(files);
  const stages = project.stages
    .filter((model) => !onlyStages || onlyStages.includes(model.stage.name))
    .map((model) => renderStage(project.config, model));
  return { project, stages };
}
