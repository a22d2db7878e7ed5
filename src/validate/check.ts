import { findStage, type ProjectConfig } from "../config/project.ts";
import { planGenerate, type GeneratePlan } from "../generate/plan.ts";
import { renderProject } from "../generate/render-project.ts";
import { filesBelow, readOnce, type SourceFiles } from "../io/source-files.ts";
import { objectId, type KubeObject } from "../kube/object.ts";
import { objectName } from "../render/names.ts";
import type { StageModel } from "../values/load.ts";
import { locateInLayers } from "../values/yaml-source.ts";
import {
  fieldPath,
  type Finding,
  type ManifestObject,
  type RawFinding,
  type RuleInfo,
  type SeveritySetting,
  type StageInput,
  type StageRule,
} from "./finding.ts";
import { parityFindings, parityRule } from "./parity.ts";
import { stageRules } from "./rules/index.ts";
import { SchemaValidator, schemaRule, unknownKindRule } from "./schema-check.ts";
import { SchemaIndex, withCrdObjects, type SchemaSet } from "./schema-store.ts";
import type { KustomizeOutput } from "./kustomized.ts";
import { readStageFolder, type PositionCache } from "./stage-files.ts";

export const generatedRule: RuleInfo = {
  id: "generated-up-to-date",
  category: "generated",
  severity: "error",
  summary: "clusters/<stage>/ is what the values render to (nothing stale, missing or edited by hand)",
  hint: "run `npx jore4-flux generate` and commit the result",
};

export const waiverRule: RuleInfo = {
  id: "waiver",
  category: "safety",
  severity: "error",
  summary: "each waiver in the values names a rule of `check`",
  hint: "use a rule id from `jore4-flux check --rules`",
};

export interface CheckInput {
  config: ProjectConfig;
  models: readonly StageModel[];
  /** The repository's files: `clusters/` is read through it. */
  files: SourceFiles;
  schemas: SchemaSet;
  /** `generate --check`'s plan; stale files become findings. */
  plan: GeneratePlan;
  /** Objects of the files the plan found unchanged (disk text equals the rendering), by path. */
  rendered?: ReadonlyMap<string, readonly KubeObject[]>;
  /** The real `kustomize build` of each stage, by stage name (the `kustomize-build` rule). */
  kustomized?: ReadonlyMap<string, KustomizeOutput>;
}

export interface CheckReport {
  stages: string[];
  objects: number;
  /** The stages compared with their real `kustomize build`. */
  kustomized: string[];
  findings: Finding[];
}

export function allRules(schemas: SchemaIndex): RuleInfo[] {
  return [generatedRule, schemaRule, unknownKindRule, ...stageRules(schemas), parityRule, waiverRule];
}

function located(rule: RuleInfo, stage: string, raw: RawFinding): Finding {
  const at = raw.object ? raw.object.locate(raw.path ?? []) : raw.location;
  return {
    rule: rule.id,
    category: rule.category,
    severity: rule.severity,
    stage,
    ...(at ? { file: at.file, line: at.line, column: at.column } : raw.object ? { file: raw.object.file } : {}),
    ...(raw.object ? { object: objectId(raw.object.object) } : {}),
    ...(raw.path && raw.path.length > 0 ? { path: raw.object ? fieldPath(raw.path) : raw.path.join(".") } : {}),
    message: raw.message,
    hint: rule.hint,
  };
}

/** One rule on one stage, its findings located (file, line, object, field path). */
export function runRule(rule: StageRule, stage: StageInput): { finding: Finding; item?: ManifestObject }[] {
  return rule
    .run(stage)
    .map((raw) => ({ finding: located(rule, stage.stage.name, raw), ...(raw.object ? { item: raw.object } : {}) }));
}

/**
 * The service whose values an object is rendered from (its `app` label or name; the first such
 * service in the values), for waivers: looked up by object name, not searched per finding.
 */
function owningService(model: StageModel): (item: ManifestObject | undefined) => string | undefined {
  const services = Object.keys(model.values.services);
  const byObjectName = new Map<string, number>();
  services.forEach((name, index) => {
    if (!byObjectName.has(objectName(name))) byObjectName.set(objectName(name), index);
  });
  return (item) => {
    if (!item) return undefined;
    const labels = (item.object.metadata.labels as Record<string, string> | undefined) ?? {};
    const byLabel = typeof labels.app === "string" ? byObjectName.get(labels.app) : undefined;
    const byName = byObjectName.get(item.object.metadata.name);
    const index = byLabel === undefined ? byName : byName === undefined ? byLabel : Math.min(byLabel, byName);
    return index === undefined ? undefined : services[index];
  };
}

function applySeverity(finding: Finding, severity: Readonly<Record<string, SeveritySetting>>): Finding | undefined {
  const setting = severity[finding.rule];
  if (setting === "off") return undefined;
  return setting ? { ...finding, severity: setting } : finding;
}

function stageInput(input: CheckInput, model: StageModel, positions: PositionCache): StageInput {
  const dir = `${input.config.paths.clusters}/${model.stage.name}`;
  const folder = readStageFolder(input.files, dir, input.rendered, positions);
  const kustomized = input.kustomized?.get(model.stage.name);
  return {
    stage: model.stage,
    values: model.values,
    valuesSources: model.valuesSources,
    dir,
    ...folder,
    ...(kustomized ? { kustomized } : {}),
  };
}

/** Compiled schemas are reused for as long as the same schema set is checked against. */
const compiledSchemas = new WeakMap<SchemaSet, { index: SchemaIndex; validator: SchemaValidator }>();

function schemaTools(set: SchemaSet): { index: SchemaIndex; validator: SchemaValidator } {
  let tools = compiledSchemas.get(set);
  if (!tools) {
    const index = new SchemaIndex(set);
    tools = { index, validator: new SchemaValidator(index, set.compiled) };
    compiledSchemas.set(set, tools);
  }
  return tools;
}

function stageFindings(input: CheckInput, model: StageModel, stage: StageInput): Finding[] {
  const { index, validator } = schemaTools(
    withCrdObjects(
      input.schemas,
      stage.objects.map((item) => item.object),
    ),
  );
  const rules = stageRules(index);
  const known = new Set(allRules(index).map((rule) => rule.id));
  const found: { finding: Finding; item?: ManifestObject }[] = [];
  for (const item of stage.objects) {
    for (const { rule, finding } of validator.check(item))
      found.push({ finding: located(rule, model.stage.name, finding), item });
  }
  for (const rule of rules) found.push(...runRule(rule, stage));
  for (const [name, service] of Object.entries(model.values.services)) {
    service.waivers.forEach((waiver, index) => {
      if (known.has(waiver.rule)) return;
      const where = locateInLayers(stage.valuesSources, ["services", name, "waivers", index, "rule"]);
      found.push({
        finding: {
          rule: waiverRule.id,
          category: waiverRule.category,
          severity: waiverRule.severity,
          stage: model.stage.name,
          ...(where ? { file: where.file, line: where.line, column: where.column } : {}),
          path: `services.${name}.waivers`,
          message: `no rule '${waiver.rule}' to waive`,
          hint: waiverRule.hint,
        },
      });
    });
  }
  const owner = owningService(model);
  return found.map(({ finding, item }) => {
    const service = owner(item);
    const waiver = service
      ? model.values.services[service]?.waivers.find((entry) => entry.rule === finding.rule)
      : undefined;
    return waiver ? { ...finding, waived: waiver.reason } : finding;
  });
}

/** Stale files of clusters/<stage>/ and of the compose bundles' compose/<stage>/, each the stage's finding. */
function staleFindings(plan: GeneratePlan, stages: readonly string[], outputDirs: readonly string[]): Finding[] {
  const stageOf = (path: string) => {
    const dir = outputDirs.find((candidate) => path.startsWith(`${candidate}/`)) ?? "";
    return path.slice(dir.length + 1).split("/")[0] ?? "";
  };
  const finding = (path: string, message: string): Finding => ({
    rule: generatedRule.id,
    category: generatedRule.category,
    severity: generatedRule.severity,
    stage: stageOf(path),
    file: path,
    message,
    hint: generatedRule.hint,
  });
  return [
    ...plan.writes.map((write) =>
      finding(
        write.path,
        write.previous === undefined ? "missing: the values render this file" : "differs from what the values render",
      ),
    ),
    ...plan.removals.map((file) => finding(file.path, "generated earlier but no longer rendered")),
  ].filter((item) => stages.includes(item.stage));
}

/** Loads, renders and checks a repository given as files (disk or memory), the named stages or all. */
export function checkRepository(
  repository: SourceFiles,
  schemas: SchemaSet,
  only: readonly string[] = [],
  kustomized?: ReadonlyMap<string, KustomizeOutput>,
): CheckReport {
  const files = readOnce(repository);
  const { project, stages, bundles } = renderProject(files);
  const { clusters, compose } = project.config.paths;
  const plan = planGenerate(stages, [...filesBelow(files, clusters), ...filesBelow(files, compose)], bundles);
  const unchanged = new Set(plan.unchanged);
  const rendered = new Map(
    stages
      .flatMap((stage) => stage.files.map((file) => [`${stage.dir}/${file.name}`, file.objects] as const))
      .filter(([path]) => unchanged.has(path)),
  );
  return checkProject(
    {
      config: project.config,
      models: project.stages,
      files,
      schemas,
      plan,
      rendered,
      ...(kustomized ? { kustomized } : {}),
    },
    only,
  );
}

/** Checks the named stages (all when empty). Pure given its input: no disk, no network. */
export function checkProject(input: CheckInput, only: readonly string[] = []): CheckReport {
  for (const name of only) findStage(input.config, name);
  const models = input.models.filter((model) => only.length === 0 || only.includes(model.stage.name));
  const severity = input.config.check.severity;
  const findings: Finding[] = staleFindings(
    input.plan,
    models.map((model) => model.stage.name),
    [input.config.paths.clusters, input.config.paths.compose],
  );
  let objects = 0;
  const parityInput = [];
  const positions: PositionCache = new WeakMap();
  for (const model of models) {
    const stage = stageInput(input, model, positions);
    objects += stage.objects.length;
    findings.push(...stageFindings(input, model, stage));
    parityInput.push({ stage: model.stage, source: stage.valuesSources[stage.valuesSources.length - 1]! });
  }
  findings.push(...parityFindings(parityInput, input.config.stageSpecificKeys));
  return {
    stages: models.map((model) => model.stage.name),
    objects,
    kustomized: models.map((model) => model.stage.name).filter((name) => input.kustomized?.has(name)),
    findings: findings.flatMap((finding) => applySeverity(finding, severity) ?? []),
  };
}

export function errorCount(report: CheckReport): number {
  return report.findings.filter((finding) => finding.severity === "error" && finding.waived === undefined).length;
}
