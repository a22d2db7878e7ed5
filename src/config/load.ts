import type { z } from "zod";
import { invalidInput, ProblemList, type Problem, type SourceLocation } from "../errors.ts";
import { schemaProblems } from "../io/schema-problems.ts";
import type { SourceFiles } from "../io/source-files.ts";
import { dottedPath, locateInLayers, parseYamlSource, type KeyPath, type YamlSource } from "../io/yaml-source.ts";
import { projectConfigFile } from "./project-file.ts";
import { projectSchema, resolveStages, type ProjectConfig, type StageConfig } from "./project.ts";

/**
 * A YAML file of the repository parsed with positions; a missing file is an input error with
 * `missing` as its message (something there that is not a file is named as what it is).
 */
export function readYamlFile(files: SourceFiles, path: string, missing: string): YamlSource {
  const text = files.read(path);
  if (text === undefined) {
    const kind = files.nonFileAt(path);
    throw invalidInput([
      kind === undefined
        ? { location: { file: path, line: 1, column: 1 }, message: missing }
        : { message: `${path} is ${kind}, not ${kind === "a folder" ? "a file" : "a regular file"}` },
    ]);
  }
  return parseYamlSource(path, text);
}

/** `value` parsed by `schema`; undefined, with every problem located in `sources`, when it does not fit. */
export function parsedBySchema<T extends z.ZodType>(
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

/**
 * What the schema cannot see of the stages: names and branches used once each, every stage
 * promoted from the main branch or another stage's branch, and following promotedFrom from any
 * stage reaches the main branch (a cycle would make `promote` loop).
 */
export function stageProblems(config: ProjectConfig, source: YamlSource): Problem[] {
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

/** Reads and validates `jore4-flux.yaml`: its schema, then the stages' names, branches and promotion order. */
export function loadProjectConfig(files: SourceFiles): { config: ProjectConfig; source: YamlSource } {
  const source = readYamlFile(
    files,
    projectConfigFile,
    `missing project configuration ${projectConfigFile} (is this the jore4-flux repository root?)`,
  );
  const problems = new ProblemList();
  const raw = parsedBySchema(projectSchema, [source], source.value, problems);
  problems.throwIfAny(projectConfigFile);
  const config = resolveStages(raw!);
  problems.problems.push(...stageProblems(config, source));
  problems.throwIfAny(projectConfigFile);
  return { config, source };
}
