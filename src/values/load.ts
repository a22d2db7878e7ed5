import type { z } from "zod";
import { formatProblem, invalidInput, Jore4FluxError, type Problem, type SourceLocation } from "../errors.ts";
import { findStage, projectSchema, resolveStages, type ProjectConfig, type StageConfig } from "../config/project.ts";
import type { SourceFiles } from "../io/source-files.ts";
import { isPlainMap, mergeValues } from "./merge.ts";
import { valuesSchema, type Values } from "./schema.ts";
import { schemaProblems } from "./schema-problems.ts";
import { stageValuesFindings } from "./stage-rules.ts";
import {
  dottedPath,
  locateInLayers,
  parseYamlSource,
  parseYamlStream,
  scalarText,
  type KeyPath,
  type YamlSource,
} from "../io/yaml-source.ts";
import { projectConfigFile } from "../config/project-file.ts";

export const sharedValuesName = "common";

/** A plain manifest included as it is, after validation. */
export interface ExtraManifest {
  /** Path of the source file, relative to the repository root. */
  file: string;
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

/** Collects problems from several steps so that one error reports them all. */
class ProblemList {
  readonly problems: Problem[] = [];

  /** Runs `step`; an input error it throws is kept, and `undefined` returned. */
  attempt<T>(step: () => T): T | undefined {
    try {
      return step();
    } catch (error) {
      if (error instanceof Jore4FluxError && error.problems.length > 0) {
        this.problems.push(...error.problems);
        return undefined;
      }
      throw error;
    }
  }

  throwIfAny(summary: string): void {
    // A problem in the shared file shows up once per stage: report it once.
    const seen = new Set<string>();
    const unique = this.problems.filter((problem) => {
      const key = formatProblem(problem);
      return !seen.has(key) && Boolean(seen.add(key));
    });
    this.problems.splice(0, this.problems.length, ...unique);
    if (this.problems.length > 0) throw invalidInput(this.problems, `${summary}: ${this.problems.length} problems`);
  }
}

function parsed<T extends z.ZodType>(
  schema: T,
  sources: readonly YamlSource[],
  value: unknown,
  problems: ProblemList,
): z.output<T> | undefined {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  problems.problems.push(...schemaProblems(schema, result.error, (path) => locateInLayers(sources, path)));
  return undefined;
}

function readSource(files: SourceFiles, path: string, missing: string): YamlSource {
  const text = files.read(path);
  if (text === undefined) {
    // Something there that is not a file (a folder, a FIFO …) is named as what it is, not as missing.
    const kind = files.nonFileAt(path);
    throw invalidInput([
      kind === undefined
        ? { location: { file: path, line: 1, column: 1 }, message: missing }
        : { message: `${path} is ${kind}, not ${kind === "a folder" ? "a file" : "a regular file"}` },
    ]);
  }
  return parseYamlSource(path, text);
}

function configProblems(config: ProjectConfig, source: YamlSource): Problem[] {
  const problems: Problem[] = [];
  const at = (index: number, key: string): { location: SourceLocation | undefined; path: string } => {
    const path: KeyPath = ["stages", index, key];
    return { location: locateInLayers([source], path), path: dottedPath(path) };
  };
  const branches = new Set([config.repository.mainBranch]);
  config.stages.forEach((stage, index) => {
    if (config.stages.findIndex((other) => other.name === stage.name) !== index) {
      problems.push({ ...at(index, "name"), message: `duplicate stage name ${stage.name}` });
    }
    if (branches.has(stage.branch))
      problems.push({ ...at(index, "branch"), message: `branch ${stage.branch} is already used` });
    branches.add(stage.branch);
  });
  config.stages.forEach((stage, index) => {
    if (!branches.has(stage.promotedFrom) || stage.promotedFrom === stage.branch) {
      problems.push({
        ...at(index, "promotedFrom"),
        message: `must be ${config.repository.mainBranch} or another stage's branch (${[...branches].join(", ")})`,
      });
    }
  });
  // Following promotedFrom from any stage must reach the main branch: a cycle would make `promote` loop.
  const cycles = new Set<string>();
  config.stages.forEach((stage) => {
    const path: string[] = [];
    for (let current: StageConfig | undefined = stage; current;) {
      const from: string = current.promotedFrom;
      if (path.includes(current.name)) {
        const cycle = path.slice(path.indexOf(current.name));
        const key = [...cycle].sort().join(" ");
        if (!cycles.has(key)) {
          cycles.add(key);
          const first = config.stages.findIndex((candidate) => candidate.name === cycle[0]);
          problems.push({
            ...at(first, "promotedFrom"),
            message: `promotion cycle ${[...cycle, cycle[0]].join(" <- ")}: never reaches ${config.repository.mainBranch}`,
          });
        }
        break;
      }
      path.push(current.name);
      current = config.stages.find((candidate) => candidate.branch === from);
    }
  });
  return problems;
}

export function loadProjectConfig(files: SourceFiles): { config: ProjectConfig; source: YamlSource } {
  const source = readSource(
    files,
    projectConfigFile,
    `missing project configuration ${projectConfigFile} (is this the jore4-flux repository root?)`,
  );
  const problems = new ProblemList();
  const raw = parsed(projectSchema, [source], source.value, problems);
  problems.throwIfAny(projectConfigFile);
  const config = resolveStages(raw!);
  problems.problems.push(...configProblems(config, source));
  problems.throwIfAny(projectConfigFile);
  return { config, source };
}

function serviceNamesOf(source: YamlSource): string[] {
  return isPlainMap(source.value) && isPlainMap(source.value.services) ? Object.keys(source.value.services) : [];
}

/** The services declared in the shared values file. */
export function sharedServiceNames(files: SourceFiles, valuesDir: string): string[] {
  return serviceNamesOf(readSource(files, `${valuesDir}/${sharedValuesName}.yaml`, "missing shared values file"));
}

/** A stage may tune services of the shared file, not invent new ones. */
function unknownServiceProblems(shared: YamlSource, override: YamlSource): Problem[] {
  const known = serviceNamesOf(shared);
  return serviceNamesOf(override)
    .filter((name) => !known.includes(name))
    .map((name) => ({
      location: locateInLayers([override], ["services", name]),
      path: `services.${name}`,
      message: `no service '${name}' in ${shared.file}: stage files may only override services declared there (${known.join(", ")})`,
    }));
}

/**
 * Env values and local secret values become strings: a number or boolean is kept as the user wrote
 * it (`VERSION: 1.10` stays "1.10", not "1.1"), taken from the layer that sets it.
 */
function keepWrittenText(merged: unknown, layers: readonly YamlSource[]): void {
  if (!isPlainMap(merged) || !isPlainMap(merged.services)) return;
  const written = (path: KeyPath, value: unknown) => {
    if (typeof value !== "number" && typeof value !== "boolean") return value;
    for (const layer of [...layers].reverse()) {
      const text = scalarText(layer, path);
      if (text !== undefined) return text;
    }
    return String(value);
  };
  for (const [name, service] of Object.entries(merged.services)) {
    if (!isPlainMap(service)) continue;
    if (isPlainMap(service.env))
      for (const [key, value] of Object.entries(service.env))
        service.env[key] = written(["services", name, "env", key], value);
    if (isPlainMap(service.secrets))
      for (const [file, secret] of Object.entries(service.secrets))
        if (isPlainMap(secret) && "local" in secret)
          secret.local = written(["services", name, "secrets", file, "local"], secret.local);
  }
}

function loadStageValues(
  shared: YamlSource,
  override: YamlSource,
  stage: StageConfig,
  problems: ProblemList,
): Values | undefined {
  const layers = [shared, override];
  const notMaps = layers.filter((layer) => !isPlainMap(layer.value) && layer.value !== null);
  for (const layer of notMaps)
    problems.problems.push({
      location: { file: layer.file, line: 1, column: 1 },
      message: `a values file must be a map of keys, not ${Array.isArray(layer.value) ? "a list" : `a ${typeof layer.value}`}`,
    });
  if (notMaps.length > 0) return undefined;
  const unknown = unknownServiceProblems(shared, override);
  problems.problems.push(...unknown);
  if (unknown.length > 0) return undefined;
  const merged = mergeValues(mergeValues({}, shared.value), override.value ?? {});
  keepWrittenText(merged, layers);
  const values = parsed(valuesSchema, layers, merged, problems);
  if (!values) return undefined;
  for (const finding of stageValuesFindings(values, stage)) {
    problems.problems.push({
      location: locateInLayers(layers, finding.path),
      path: dottedPath(finding.path),
      message: finding.message,
    });
  }
  return values;
}

const manifestName = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/**
 * What every reader of a manifest needs of a document: a map with apiVersion, kind and
 * metadata.name, each a string; a manifest's name is also a DNS subdomain name (`dnsName`).
 * Problems are located by `locate`.
 */
export function objectShapeProblems(
  value: unknown,
  locate: (path: KeyPath) => SourceLocation | undefined,
  { dnsName }: { dnsName: boolean },
): Problem[] {
  const problem = (path: KeyPath, message: string): Problem => ({
    location: locate(path),
    path: dottedPath(path),
    message,
  });
  if (!isPlainMap(value)) return [problem([], "a manifest must be a Kubernetes object (a map)")];
  const problems: Problem[] = [];
  for (const key of ["apiVersion", "kind"]) {
    if (typeof value[key] !== "string" || value[key] === "")
      problems.push(problem([key], "required field is missing (expected string)"));
  }
  const metadata = value.metadata;
  if (!isPlainMap(metadata) || typeof metadata.name !== "string")
    problems.push(problem(["metadata", "name"], "required field is missing (expected string)"));
  else if (dnsName && !manifestName.test(metadata.name))
    problems.push(problem(["metadata", "name"], "must be a DNS subdomain name"));
  return problems;
}

const manifestProblems = (source: YamlSource): Problem[] =>
  objectShapeProblems(source.value, (path) => locateInLayers([source], path), { dnsName: true });

function loadManifests(files: SourceFiles, dir: string, problems: ProblemList): ExtraManifest[] {
  return files
    .listFiles(dir)
    .filter((name) => /\.ya?ml$/.test(name))
    .flatMap((name) => {
      const file = `${dir}/${name}`;
      const documents = problems.attempt(() => parseYamlStream(file, files.read(file) ?? ""));
      if (!documents) return [];
      const found = documents.flatMap(manifestProblems);
      problems.problems.push(...found);
      return found.length > 0
        ? []
        : [
            {
              file,
              objects: documents.map((document) => document.value as Record<string, unknown>),
              lines: documents.map((document) => document.lineCounter.linePos(document.document.range?.[0] ?? 0).line),
            },
          ];
    });
}

export const allStagesManifestDir = "all";

/** A manifest's name without folder and extension: `manifests/dev/x.yml` → `x`. */
export function baseName(path: string): string {
  return (path.split("/").pop() ?? path).replace(/\.ya?ml$/, "");
}

/** The model of the named stage, or an input error listing the stages there are. */
export function findStageModel(project: Project, name: string): StageModel {
  const stage = findStage(project.config, name);
  return project.stages.find((model) => model.stage === stage)!;
}

/**
 * Loads and validates the configuration, every stage's values and the extra manifests. Every
 * problem in every file is collected before anything is reported.
 */
export function loadProject(files: SourceFiles): Project {
  const { config } = loadProjectConfig(files);
  const problems = new ProblemList();
  const valuesDir = config.paths.values;
  const manifestsDir = config.paths.manifests;
  const shared = problems.attempt(() =>
    readSource(files, `${valuesDir}/${sharedValuesName}.yaml`, "missing shared values file"),
  );
  const stageNames = config.stages.map((stage) => stage.name);
  for (const dir of files.listDirs(manifestsDir)) {
    if (dir !== allStagesManifestDir && !stageNames.includes(dir)) {
      problems.problems.push({
        location: { file: `${manifestsDir}/${dir}`, line: 1, column: 1 },
        message: `no stage '${dir}' in ${projectConfigFile} (manifest folders are '${allStagesManifestDir}' or a stage name)`,
      });
    }
  }
  const commonManifests = loadManifests(files, `${manifestsDir}/${allStagesManifestDir}`, problems);
  const stages = config.stages.flatMap((stage): StageModel[] => {
    const overridePath = `${valuesDir}/${stage.name}.yaml`;
    const override = problems.attempt(() =>
      readSource(
        files,
        overridePath,
        `missing values file for stage ${stage.name} (declared in ${projectConfigFile}); create it, empty if the stage overrides nothing`,
      ),
    );
    const own = loadManifests(files, `${manifestsDir}/${stage.name}`, problems);
    // A stage's manifest named like a shared one replaces it for that stage.
    const ownNames = new Set(own.map((manifest) => baseName(manifest.file)));
    const manifests = [...commonManifests.filter((manifest) => !ownNames.has(baseName(manifest.file))), ...own];
    if (!shared || !override) return [];
    const values = loadStageValues(shared, override, stage, problems);
    return values ? [{ stage, values, valuesSources: [shared, override], manifests }] : [];
  });
  problems.throwIfAny("invalid values");
  return { config, stages };
}
