import { renderBundle, type RenderedBundle } from "../compose/bundle.ts";
import type { SourceFiles } from "../io/source-files.ts";
import { renderStage, type RenderedStage } from "../render/stage.ts";
import { loadProject, type Project } from "../values/load.ts";

export interface RenderedProject {
  project: Project;
  stages: RenderedStage[];
  /** The docker-compose bundle of each kind stage. */
  bundles: RenderedBundle[];
}

/** values → validated model → objects, for every stage (or the named ones). Pure given `files`. */
export function renderProject(files: SourceFiles, onlyStages?: readonly string[]): RenderedProject {
  const project = loadProject(files);
  const models = project.stages.filter((model) => !onlyStages || onlyStages.includes(model.stage.name));
  const stages = models.map((model) => renderStage(project.config, model));
  const bundles = models
    .filter((model) => model.stage.platform === "kind")
    .map((model) => renderBundle(project.config, model));
  return { project, stages, bundles };
}
