import { invalidInput, type Problem } from "../errors.ts";
import { renderBundle, type RenderedBundle } from "../compose/bundle.ts";
import type { SourceFiles } from "../io/source-files.ts";
import { objectId } from "../kube/object.ts";
import { renderStage, type RenderedStage } from "../render/stage.ts";
import { loadProject, type Project, type StageModel } from "../values/load.ts";

export interface RenderedProject {
  project: Project;
  stages: RenderedStage[];
  /** The docker-compose bundle of each kind stage. */
  bundles: RenderedBundle[];
}

/**
 * kustomize refuses a stage where two objects share group, kind, namespace and name ("may not add
 * resource with an already registered id"), and two files of one name: both are input errors here,
 * naming both sources, before anything is written.
 */
function collisionProblems(stage: RenderedStage, model: StageModel): Problem[] {
  const problems: Problem[] = [];
  const seen = new Map<string, string>();
  const files = new Map<string, string>();
  for (const file of stage.files) {
    const manifest = model.manifests.find((candidate) => candidate.file === file.sources[0]);
    const origin = manifest ? manifest.file : `${stage.dir}/${file.name} (rendered from ${file.sources.join(", ")})`;
    const earlierFile = files.get(file.name);
    if (earlierFile !== undefined)
      problems.push({
        location: { file: origin.split(" ")[0]!, line: 1, column: 1 },
        message: `stage ${stage.stage}: becomes ${stage.dir}/${file.name}, as ${earlierFile} does; rename one`,
      });
    files.set(file.name, origin);
    file.objects.forEach((object, index) => {
      const group = object.apiVersion.includes("/") ? object.apiVersion.split("/")[0] : "";
      const key = `${group} ${objectId(object)}`;
      const where = manifest ? `${manifest.file}:${manifest.lines[index] ?? 1}` : origin;
      const earlier = seen.get(key);
      if (earlier === undefined) seen.set(key, where);
      else
        problems.push({
          location: manifest
            ? { file: manifest.file, line: manifest.lines[index] ?? 1, column: 1 }
            : { file: `${stage.dir}/${file.name}`, line: 1, column: 1 },
          message: `stage ${stage.stage}: ${objectId(object)} is already defined by ${earlier}; an object may exist once per stage`,
        });
    });
  }
  return problems;
}

/** values → validated model → objects, for every stage (or the named ones). Pure given `files`. */
export function renderProject(files: SourceFiles, onlyStages?: readonly string[]): RenderedProject {
  const project = loadProject(files);
  const models = project.stages.filter((model) => !onlyStages || onlyStages.includes(model.stage.name));
  const stages = models.map((model) => renderStage(project.config, model));
  const problems = stages.flatMap((stage, index) => collisionProblems(stage, models[index]!));
  if (problems.length > 0) throw invalidInput(problems, `objects defined twice: ${problems.length} problems`);
  const bundles = models
    .filter((model) => model.stage.platform === "kind")
    .map((model) => renderBundle(project.config, model));
  return { project, stages, bundles };
}
