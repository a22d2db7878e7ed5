import type { SourceLocation } from "../errors.ts";
import type { StageConfig } from "../config/project.ts";
import type { KubeObject } from "../kube/object.ts";
import type { Values } from "../values/schema.ts";
import type { KeyPath, YamlSource } from "../io/yaml-source.ts";
import type { KustomizeOutput } from "./kustomized.ts";

export type Severity = "error" | "warning";
/** A rule's severity as `check.severity` in jore4-flux.yaml sets it. */
export type SeveritySetting = Severity | "off";

/** What every check of `check` declares about itself. */
export interface RuleInfo {
  id: string;
  category: "schema" | "reference" | "safety" | "parity" | "generated";
  severity: Severity;
  summary: string;
  /** One line telling the user how to fix a finding. */
  hint: string;
}

/** One object of a stage as read from `clusters/<stage>/`, with where it came from. */
export interface ManifestObject {
  /** Path relative to the repository root. */
  file: string;
  object: KubeObject;
  /** Where a field path of the object is in the file: the deepest part of the path the object has. */
  locate(path: KeyPath): SourceLocation;
}

export interface StageInput {
  stage: StageConfig;
  values: Values;
  /** The values files merged for the stage (shared first), to locate values keys. */
  valuesSources: YamlSource[];
  /** `clusters/<stage>`. */
  dir: string;
  /** Names of the files in the folder (every file, YAML or not). */
  fileNames: string[];
  /** Every object except the kustomization. */
  objects: ManifestObject[];
  kustomization: ManifestObject | undefined;
  /** The real `kustomize build` of the folder, when it was run. */
  kustomized?: KustomizeOutput;
}

/** A finding as a rule reports it; the runner adds rule, severity, stage and location. */
export interface RawFinding {
  object?: ManifestObject;
  /** Field path inside the object. */
  path?: KeyPath;
  /** For findings about a file rather than an object. */
  location?: SourceLocation;
  message: string;
}

export interface StageRule extends RuleInfo {
  run(stage: StageInput): RawFinding[];
}

export interface Finding {
  rule: string;
  category: RuleInfo["category"];
  severity: Severity;
  stage: string;
  file?: string;
  line?: number;
  column?: number;
  /** `Kind/namespace/name`. */
  object?: string;
  /** Field path inside the object, e.g. `spec.template.spec.containers[0].image`. */
  path?: string;
  message: string;
  hint: string;
  /** The waiver's reason, when the finding is waived in the values. */
  waived?: string;
}

export function fieldPath(path: KeyPath): string {
  return path
    .map((segment, index) => (typeof segment === "number" ? `[${segment}]` : index === 0 ? segment : `.${segment}`))
    .join("");
}
