import { ProblemList, type Problem } from "../errors.ts";
import { loadProjectConfig, parsedBySchema, readYamlFile } from "../config/load.ts";
import { projectConfigFile } from "../config/project-file.ts";
import { findStage, type ProjectConfig, type StageConfig } from "../config/project.ts";
import type { SourceFiles } from "../io/source-files.ts";
import { dottedPath, locateInLayers, parseYamlStream, type YamlSource } from "../io/yaml-source.ts";
import { isPlainMap, objectShapeProblems } from "../kube/object.ts";
import { mergeLayers, serviceNamesOf, unknownServiceProblems } from "./merge.ts";
import { valuesSchema, type Values } from "./schema.ts";
import { stageValuesFindings } from "./stage-rules.ts";

export const sharedValuesName = "common";
export const allStagesManifestDir = "all";

/** A plain manifest included as it is, after validation. */
export interface ExtraManifest {
  /** Path of the source file, relative to the repository root. */
  file: string;
  /** The file's name without folder and extension (`manifests/dev/x.yml` → `x`): a stage's own replaces a shared one of that name. */
  name: string;
  objects: Record<string, unknown>[];
  /** Line of each object's document in the file. */
  lines: number[];
}

/** Everything one stage is rendered from: its configuration and its merged, validated values. */
export interface StageModel {
  stage: StageConfig;
  values: Values;
  /** The values files merged for this stage, shared file first, as parsed (check locates keys in them). */
  valuesSources: YamlSource[];
  manifests: ExtraManifest[];
}

export interface Project {
  config: ProjectConfig;
  stages: StageModel[];
}

/** A manifest file as parsed: its documents, or the problems that kept it from parsing or from its shape. */
interface ManifestFile {
  file: string;
  documents: YamlSource[] | undefined;
  problems: Problem[];
}

/** One stage's inputs and, step by step, the problems found in them. */
interface StageInputs {
  stage: StageConfig;
  override: YamlSource | undefined;
  overrideProblems: Problem[];
  manifests: ManifestFile[];
  valuesProblems: Problem[];
}

/** Every input of the values, parsed with positions: the first step of loading. */
interface ParsedInputs {
  shared: YamlSource | undefined;
  sharedProblems: Problem[];
  /** Manifest folders named after no stage. */
  folderProblems: Problem[];
  common: ManifestFile[];
  stages: StageInputs[];
}

/** Runs `step`; an input error it throws goes to `into`. */
function attempt<T>(into: Problem[], step: () => T): T | undefined {
  const list = new ProblemList();
  const result = list.attempt(step);
  into.push(...list.problems);
  return result;
}

const baseName = (path: string) => (path.split("/").pop() ?? path).replace(/\.ya?ml$/, "");

function parseManifests(files: SourceFiles, dir: string): ManifestFile[] {
  return files
    .listFiles(dir)
    .filter((name) => /\.ya?ml$/.test(name))
    .map((name) => {
      const file = `${dir}/${name}`;
      const problems: Problem[] = [];
      const documents = attempt(problems, () => parseYamlStream(file, files.read(file) ?? ""));
      return { file, documents, problems };
    });
}

function parseInputs(files: SourceFiles, config: ProjectConfig): ParsedInputs {
  const valuesDir = config.paths.values;
  const manifestsDir = config.paths.manifests;
  const sharedProblems: Problem[] = [];
  const shared = attempt(sharedProblems, () =>
    readYamlFile(files, `${valuesDir}/${sharedValuesName}.yaml`, "missing shared values file"),
  );
  const stageNames = config.stages.map((stage) => stage.name);
  const folderProblems = files
    .listDirs(manifestsDir)
    .filter((dir) => dir !== allStagesManifestDir && !stageNames.includes(dir))
    .map((dir) => ({
      location: { file: `${manifestsDir}/${dir}`, line: 1, column: 1 },
      message: `no stage '${dir}' in ${projectConfigFile} (manifest folders are '${allStagesManifestDir}' or a stage name)`,
    }));
  const common = parseManifests(files, `${manifestsDir}/${allStagesManifestDir}`);
  const stages = config.stages.map((stage): StageInputs => {
    const overrideProblems: Problem[] = [];
    const override = attempt(overrideProblems, () =>
      readYamlFile(
        files,
        `${valuesDir}/${stage.name}.yaml`,
        `missing values file for stage ${stage.name} (declared in ${projectConfigFile}); create it, empty if the stage overrides nothing`,
      ),
    );
    const manifests = parseManifests(files, `${manifestsDir}/${stage.name}`);
    return { stage, override, overrideProblems, manifests, valuesProblems: [] };
  });
  return { shared, sharedProblems, folderProblems, common, stages };
}

/** The second step: each manifest document is a Kubernetes object; each values file a map, naming known services. */
function validateInputs(inputs: ParsedInputs): void {
  for (const manifest of [...inputs.common, ...inputs.stages.flatMap((stage) => stage.manifests)])
    for (const document of manifest.documents ?? [])
      manifest.problems.push(
        ...objectShapeProblems(document.value, (path) => locateInLayers([document], path), { dnsName: true }),
      );
  const { shared } = inputs;
  for (const stage of inputs.stages) {
    if (!shared || !stage.override) continue;
    const layers = [shared, stage.override];
    const notMaps = layers.filter((layer) => !isPlainMap(layer.value) && layer.value !== null);
    for (const layer of notMaps)
      stage.valuesProblems.push({
        location: { file: layer.file, line: 1, column: 1 },
        message: `a values file must be a map of keys, not ${Array.isArray(layer.value) ? "a list" : `a ${typeof layer.value}`}`,
      });
    if (notMaps.length === 0) stage.valuesProblems.push(...unknownServiceProblems(shared, stage.override));
  }
}

/** The third step: a stage's values merged from its layers, parsed by the schema, and checked as a whole. */
function mergeStageValues(shared: YamlSource, stage: StageInputs, override: YamlSource): Values | undefined {
  const layers = [shared, override];
  const problems = new ProblemList();
  const values = parsedBySchema(valuesSchema, layers, mergeLayers(layers), problems);
  stage.valuesProblems.push(...problems.problems);
  if (!values) return undefined;
  for (const finding of stageValuesFindings(values, stage.stage))
    stage.valuesProblems.push({
      location: locateInLayers(layers, finding.path),
      path: dottedPath(finding.path),
      message: finding.message,
    });
  return values;
}

function extraManifests(parsed: readonly ManifestFile[]): ExtraManifest[] {
  return parsed.flatMap(({ file, documents, problems }) =>
    !documents || problems.length > 0
      ? []
      : [
          {
            file,
            name: baseName(file),
            objects: documents.map((document) => document.value as Record<string, unknown>),
            lines: documents.map((document) => document.lineCounter.linePos(document.document.range?.[0] ?? 0).line),
          },
        ],
  );
}

/**
 * Loads and validates the configuration, every stage's values and the extra manifests, in three
 * steps: every file parsed (with positions), then validated, then each stage's layers merged.
 * Every problem in every file is collected before anything is reported, in the order of the
 * inputs: the shared values, the manifest folders, manifests/all, then stage by stage its values
 * file, its manifests and its merged values.
 */
export function loadProject(files: SourceFiles): Project {
  const { config } = loadProjectConfig(files);
  const inputs = parseInputs(files, config);
  validateInputs(inputs);
  const { shared } = inputs;
  const common = extraManifests(inputs.common);
  const stages = inputs.stages.flatMap((stage): StageModel[] => {
    const { override } = stage;
    if (!shared || !override || stage.valuesProblems.length > 0) return [];
    const values = mergeStageValues(shared, stage, override);
    if (!values) return [];
    const own = extraManifests(stage.manifests);
    const ownNames = new Set(own.map((manifest) => manifest.name));
    const manifests = [...common.filter((manifest) => !ownNames.has(manifest.name)), ...own];
    return [{ stage: stage.stage, values, valuesSources: [shared, override], manifests }];
  });
  const problems = new ProblemList();
  problems.problems.push(
    ...inputs.sharedProblems,
    ...inputs.folderProblems,
    ...inputs.common.flatMap((manifest) => manifest.problems),
    ...inputs.stages.flatMap((stage) => [
      ...stage.overrideProblems,
      ...stage.manifests.flatMap((manifest) => manifest.problems),
      ...stage.valuesProblems,
    ]),
  );
  problems.throwIfAny("invalid values");
  return { config, stages };
}

/** The services declared in the shared values file. */
export function sharedServiceNames(files: SourceFiles, valuesDir: string): string[] {
  return serviceNamesOf(readYamlFile(files, `${valuesDir}/${sharedValuesName}.yaml`, "missing shared values file"));
}

/** The model of the named stage, or an input error listing the stages there are. */
export function findStageModel(project: Project, name: string): StageModel {
  const stage = findStage(project.config, name);
  return project.stages.find((model) => model.stage === stage)!;
}
