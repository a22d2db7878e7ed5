import type { ProjectConfig } from "../config/project.ts";
import type { KubeObject } from "../kube/object.ts";
import { kustomizationFileName, renderStage } from "../render/stage.ts";
import type { StageModel } from "../values/load.ts";
import { isPlainMap } from "../kube/object.ts";
import { changedPaths, diffObjects, withoutExpected, type ObjectChange } from "./objects.ts";

export interface StageDiff {
  /** What is compared, e.g. `dev → prod` or `prod: main → working tree`. */
  title: string;
  changes: ObjectChange[];
}

/** The objects a stage applies; its kustomization.yaml only lists the files, so it is left out. */
export function renderedObjects(config: ProjectConfig, model: StageModel): KubeObject[] {
  return renderStage(config, model)
    .files.filter((file) => file.name !== kustomizationFileName)
    .flatMap((file) => file.objects);
}

/** Concrete key paths a pattern (`*` = one segment) matches in either values tree. */
function expand(pattern: readonly string[], trees: readonly unknown[], prefix: string[] = []): string[][] {
  if (pattern.length === 0) return [prefix];
  const [head, ...rest] = pattern;
  const keys =
    head === "*" ? [...new Set(trees.flatMap((tree) => (isPlainMap(tree) ? Object.keys(tree) : [])))] : [head!];
  return keys.flatMap((key) =>
    expand(
      rest,
      trees.map((tree) => (isPlainMap(tree) ? tree[key] : undefined)),
      [...prefix, key],
    ),
  );
}

function setPath(tree: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node: Record<string, unknown> = tree;
  for (const key of path.slice(0, -1)) {
    if (!isPlainMap(node[key])) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  const last = path[path.length - 1]!;
  if (value === undefined) delete node[last];
  else node[last] = structuredClone(value);
}

function getPath(tree: unknown, path: readonly string[]): unknown {
  return path.reduce<unknown>((node, key) => (isPlainMap(node) ? node[key] : undefined), tree);
}

/**
 * Stage B as it would render with stage A's name, branch and stage-specific values: whatever
 * differs between it and B itself is expected to differ between the stages.
 */
function withStageSpecificOf(a: StageModel, b: StageModel, patterns: readonly string[]): StageModel {
  const values = structuredClone(b.values) as unknown as Record<string, unknown>;
  for (const pattern of patterns) {
    for (const path of expand(pattern.split("."), [a.values, b.values])) setPath(values, path, getPath(a.values, path));
  }
  return {
    ...b,
    stage: { ...b.stage, name: a.stage.name, branch: a.stage.branch },
    values: values as unknown as StageModel["values"],
  };
}

/** The difference between two stages' renderings; without `all`, the expected differences are left out. */
export function diffStages(config: ProjectConfig, a: StageModel, b: StageModel, options: { all: boolean }): StageDiff {
  const changes = diffObjects(renderedObjects(config, a), renderedObjects(config, b));
  const title = `${a.stage.name} → ${b.stage.name}`;
  if (options.all) return { title, changes };
  const bObjects = renderedObjects(config, b);
  const expected = changedPaths(
    diffObjects(bObjects, renderedObjects(config, withStageSpecificOf(a, b, config.stageSpecificKeys))),
  );
  return { title, changes: withoutExpected(changes, expected) };
}
