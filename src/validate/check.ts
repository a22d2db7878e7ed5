import { findStage } from "../config/project.ts";
import { bundleDir } from "../compose/bundle.ts";
import { planGenerate } from "../generate/plan.ts";
import { renderProject, type RenderedProject } from "../generate/render-project.ts";
import { filesBelow, readOnce, type SourceFiles } from "../io/source-files.ts";
import { objectId } from "../kube/object.ts";
import type { RenderedStage } from "../render/stage.ts";
import { objectName } from "../render/names.ts";
import type { StageModel } from "../values/load.ts";
import { locateInLayers } from "../io/yaml-source.ts";
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
import { kustomizeBuildRule } from "./rules/kustomize-build.ts";
import { SchemaValidator, schemaRule, unknownKindRule } from "./schema-check.ts";
import { SchemaIndex } from "./schema-index.ts";
import { withCrdObjects, type SchemaSet } from "./schema-store.ts";
import type { KustomizeOutput } from "./kustomized.ts";
import { readStageFolder, refuseNonObjects } from "./stage-files.ts";

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

function stageInput(
  files: SourceFiles,
  model: StageModel,
  rendered: RenderedStage,
  unchanged: readonly string[],
): StageInput {
  const same = new Set(unchanged);
  const objects = new Map(
    rendered.files
      .map((file) => [`${rendered.dir}/${file.name}`, file.objects] as const)
      .filter(([path]) => same.has(path)),
  );
  const folder = readStageFolder(files, rendered.dir, objects);
  refuseNonObjects(folder);
  return {
    stage: model.stage,
    values: model.values,
    valuesSources: model.valuesSources,
    dir: rendered.dir,
    ...folder,
  };
}

interface SchemaTools {
  index: SchemaIndex;
  validator: SchemaValidator;
}

function schemaTools(set: SchemaSet): SchemaTools {
  const index = new SchemaIndex(set);
  return { index, validator: new SchemaValidator(index, set.compiled) };
}

/** A stage's findings: all but the comparison with kustomize's build, which checkReport adds. */
export interface StageFindings {
  stage: string;
  /** Schema and rule findings, then the waivers' (the comparison goes between them). */
  checked: Finding[];
  waivers: Finding[];
  /** What the kustomize-build rule reads, kept only when the stage is to be compared (a large check lets each stage go when done). */
  comparison?: { model: StageModel; input: StageInput };
}

/** Findings marked waived where the service the object is rendered from waives their rule. */
function waived(model: StageModel, found: readonly { finding: Finding; item?: ManifestObject }[]): Finding[] {
  const owner = owningService(model);
  return found.map(({ finding, item }) => {
    const service = owner(item);
    const waiver = service
      ? model.values.services[service]?.waivers.find((entry) => entry.rule === finding.rule)
      : undefined;
    return waiver ? { ...finding, waived: waiver.reason } : finding;
  });
}

/** `shared`: the tools of `schemas`, for every stage that ships no CRD of its own. */
function stageFindings(
  schemas: SchemaSet,
  shared: SchemaTools,
  model: StageModel,
  stage: StageInput,
  comparing: boolean,
): StageFindings {
  const set = withCrdObjects(
    schemas,
    stage.objects.map((item) => item.object),
  );
  const { index, validator } = set === schemas ? shared : schemaTools(set);
  const known = new Set(allRules(index).map((rule) => rule.id));
  const found: { finding: Finding; item?: ManifestObject }[] = [];
  for (const item of stage.objects) {
    for (const { rule, finding } of validator.check(item))
      found.push({ finding: located(rule, model.stage.name, finding), item });
  }
  for (const rule of stageRules(index)) if (rule !== kustomizeBuildRule) found.push(...runRule(rule, stage));
  const waivers: Finding[] = [];
  for (const [name, service] of Object.entries(model.values.services)) {
    service.waivers.forEach((waiver, index) => {
      if (known.has(waiver.rule)) return;
      const where = locateInLayers(stage.valuesSources, ["services", name, "waivers", index, "rule"]);
      waivers.push({
        rule: waiverRule.id,
        category: waiverRule.category,
        severity: waiverRule.severity,
        stage: model.stage.name,
        ...(where ? { file: where.file, line: where.line, column: where.column } : {}),
        path: `services.${name}.waivers`,
        message: `no rule '${waiver.rule}' to waive`,
        hint: waiverRule.hint,
      });
    });
  }
  return {
    stage: model.stage.name,
    checked: waived(model, found),
    waivers,
    ...(comparing ? { comparison: { model, input: stage } } : {}),
  };
}

/** A file of a stage's folders (clusters/<stage>/, its compose bundle) that is not what the values render. */
function staleFinding(stage: string, path: string, message: string): Finding {
  return {
    rule: generatedRule.id,
    category: generatedRule.category,
    severity: generatedRule.severity,
    stage,
    file: path,
    message,
    hint: generatedRule.hint,
  };
}

const byPath = (a: { path: string }, b: { path: string }) => (a.path < b.path ? -1 : 1);

/**
 * Loads, renders and checks a repository given as files (disk or memory), the named stages or all,
 * comparing each stage with its kustomize build when `kustomized` holds one.
 */
export function checkRepository(
  repository: SourceFiles,
  schemas: SchemaSet,
  only: readonly string[] = [],
  kustomized?: ReadonlyMap<string, KustomizeOutput>,
): CheckReport {
  const checked = checkProject(repository, renderProject(repository), schemas, {
    only,
    comparing: kustomized !== undefined,
  });
  return checkReport(checked, kustomized);
}

export interface CheckOptions {
  /** The stages to check (default: all). */
  only?: readonly string[];
  /** Whether the stages will be compared with kustomize's builds (checkReport). */
  comparing: boolean;
}

/** What check found before any comparison with kustomize's builds. */
export interface CheckedProject {
  stages: string[];
  objects: number;
  /** Generated files that are stale, missing or left over, in `generate --check`'s order. */
  stale: Finding[];
  found: StageFindings[];
  parity: Finding[];
  severity: Readonly<Record<string, SeveritySetting>>;
}

/**
 * Everything check finds but the comparison with kustomize's builds (so that it runs while
 * kustomize still builds). One stage at a time, start to finish: its files are read (once),
 * compared with its rendering and checked, then let go (every stage's texts held at once
 * outlived young collections).
 */
export function checkProject(
  repository: SourceFiles,
  rendering: RenderedProject,
  schemas: SchemaSet,
  { only = [], comparing }: CheckOptions,
): CheckedProject {
  const { project, stages, bundles } = rendering;
  const { config } = project;
  for (const name of only) findStage(config, name);
  const checked = project.stages.flatMap((model, index) =>
    only.length === 0 || only.includes(model.stage.name) ? [{ model, rendered: stages[index]! }] : [],
  );
  // Stale files come first, in `generate --check`'s order: stage folders, bundles, then what is left over, by path.
  const written: Finding[] = [];
  const bundleWritten: Finding[] = [];
  const leftOver: { stage: string; path: string }[] = [];
  const bundleLeftOver: { stage: string; path: string }[] = [];
  const found: StageFindings[] = [];
  let objects = 0;
  const parityInput = [];
  const shared = schemaTools(schemas);
  for (const { model, rendered } of checked) {
    const name = model.stage.name;
    const files = readOnce(repository);
    const dir = bundleDir(config, name);
    const bundle = bundles.filter((candidate) => candidate.dir === dir);
    const folderPlan = planGenerate([rendered], filesBelow(files, rendered.dir));
    const bundlePlan = planGenerate([], filesBelow(files, dir), bundle);
    for (const [plan, writes, removals] of [
      [folderPlan, written, leftOver],
      [bundlePlan, bundleWritten, bundleLeftOver],
    ] as const) {
      for (const write of plan.writes)
        writes.push(
          staleFinding(
            name,
            write.path,
            write.previous === undefined
              ? "missing: the values render this file"
              : "differs from what the values render",
          ),
        );
      for (const file of plan.removals) removals.push({ stage: name, path: file.path });
    }
    const stage = stageInput(files, model, rendered, folderPlan.unchanged);
    objects += stage.objects.length;
    found.push(stageFindings(schemas, shared, model, stage, comparing));
    parityInput.push({ stage: model.stage, source: stage.valuesSources[stage.valuesSources.length - 1]! });
  }
  const removed = [...leftOver.sort(byPath), ...bundleLeftOver.sort(byPath)].map((file) =>
    staleFinding(file.stage, file.path, "generated earlier but no longer rendered"),
  );
  return {
    stages: checked.map(({ model }) => model.stage.name),
    objects,
    stale: [...written, ...bundleWritten, ...removed],
    found,
    parity: parityFindings(parityInput, config.stageSpecificKeys),
    severity: config.check.severity,
  };
}

/** The report: what checkProject found, with each compared stage's kustomize-build findings, severities applied. */
export function checkReport(checked: CheckedProject, kustomized?: ReadonlyMap<string, KustomizeOutput>): CheckReport {
  const compared = (stage: StageFindings): Finding[] => {
    const built = stage.comparison && kustomized?.get(stage.stage);
    if (!stage.comparison || !built) return [];
    const { model, input } = stage.comparison;
    return waived(model, runRule(kustomizeBuildRule, { ...input, kustomized: built }));
  };
  return {
    stages: checked.stages,
    objects: checked.objects,
    kustomized: checked.stages.filter((name) => kustomized?.has(name)),
    findings: [
      ...checked.stale,
      ...checked.found.flatMap((stage) => [...stage.checked, ...compared(stage), ...stage.waivers]),
      ...checked.parity,
    ].flatMap((finding) => applySeverity(finding, checked.severity) ?? []),
  };
}

export function errorCount(report: CheckReport): number {
  return report.findings.filter((finding) => finding.severity === "error" && finding.waived === undefined).length;
}
