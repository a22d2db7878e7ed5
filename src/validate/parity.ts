import type { StageConfig } from "../config/project.ts";
import { isPlainMap } from "../kube/object.ts";
import { dottedPath, locatePath, type KeyPath, type YamlSource } from "../io/yaml-source.ts";
import type { Finding, RuleInfo } from "./finding.ts";

export const parityRule: RuleInfo = {
  id: "stage-parity",
  category: "parity",
  severity: "error",
  summary:
    "an AKS stage's values file overrides only the stage-specific keys (Trackability Rule 2: dev, test and prod differ only where they must)",
  hint: "move the value to values/common.yaml, or add the key to stageSpecificKeys in jore4-flux.yaml if it must differ per stage",
};

/** Leaf keys set by a values file; a list is one leaf (lists are replaced whole when merged). */
export function overriddenKeys(value: unknown, prefix: KeyPath = []): KeyPath[] {
  if (!isPlainMap(value) || (Object.keys(value).length === 0 && prefix.length > 0))
    return prefix.length > 0 ? [prefix] : [];
  return Object.entries(value).flatMap(([key, inner]) => overriddenKeys(inner, [...prefix, key]));
}

/** A key is stage-specific when a pattern (dotted, `*` for one segment) matches it or one of its parents. */
export function isStageSpecific(path: KeyPath, patterns: readonly string[]): boolean {
  return patterns.some((pattern) => {
    const segments = pattern.split(".");
    return (
      segments.length <= path.length &&
      segments.every((segment, index) => segment === "*" || segment === String(path[index]))
    );
  });
}

/** Drift findings of every AKS stage's own values file. */
export function parityFindings(
  stages: readonly { stage: StageConfig; source: YamlSource }[],
  stageSpecificKeys: readonly string[],
): Finding[] {
  return stages
    .filter(({ stage }) => stage.platform === "aks")
    .flatMap(({ stage, source }) =>
      overriddenKeys(source.value)
        .filter((path) => !isStageSpecific(path, stageSpecificKeys))
        .map((path): Finding => {
          const { location } = locatePath(source, path);
          return {
            rule: parityRule.id,
            category: parityRule.category,
            severity: parityRule.severity,
            stage: stage.name,
            file: location.file,
            line: location.line,
            column: location.column,
            path: dottedPath(path),
            message: `${source.file} overrides ${dottedPath(path)}, which is not stage-specific: ${stage.name} drifts from the shared configuration`,
            hint: parityRule.hint,
          };
        }),
    );
}
