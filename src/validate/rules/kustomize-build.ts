import { valueDifferences } from "../../diff/objects.ts";
import { kustomizationFileName } from "../../render/stage.ts";
import type { KubeObject } from "../../kube/object.ts";
import { isPlainMap } from "../../kube/object.ts";
import type { ManifestObject, RawFinding, StageRule } from "../finding.ts";

/** At most this many differing fields are reported per object: the rest are echoes. */
const maxDifferencesPerObject = 10;

function identity(object: unknown): string {
  if (!isPlainMap(object)) return "(not an object)";
  const metadata = isPlainMap(object.metadata) ? object.metadata : {};
  return `${String(object.apiVersion)} ${String(object.kind)}/${metadata.namespace ? `${String(metadata.namespace)}/` : ""}${String(metadata.name)}`;
}

function show(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value instanceof Date) return `the timestamp ${value.toISOString()}`;
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "object" && value !== null) return JSON.stringify(value);
  return `the ${typeof value} ${String(value)}`;
}

/**
 * The guard between rendering and the cluster: the objects the real `kustomize build` returns for
 * the stage (read as kubectl and Flux read them, by kustomize-json) equal, field by field, the
 * objects `check` validated.
 */
export const kustomizeBuildRule: StageRule = {
  id: "kustomize-build",
  category: "generated",
  severity: "error",
  summary:
    "the real `kustomize build` of the stage succeeds and returns, field by field, the objects that were rendered (needs kustomize-json, kustomize or kubectl; `check --no-kustomize` skips it)",
  hint: "quote the value in the values file or manifest, or remove the duplicate object; see the message",
  run(stage) {
    const output = stage.kustomized;
    if (!output) return [];
    const kustomizationFile = `${stage.dir}/${kustomizationFileName}`;
    if ("error" in output)
      return [
        {
          location: { file: kustomizationFile, line: 1, column: 1 },
          message: `kustomize build fails: ${output.error}`,
        },
      ];
    const built = new Map(output.objects.map((object) => [identity(object), object]));
    const findings: RawFinding[] = [];
    const seen = new Set<string>();
    for (const item of stage.objects) {
      const id = identity(item.object);
      seen.add(id);
      const counterpart = built.get(id);
      if (counterpart === undefined) {
        findings.push({ object: item, message: "kustomize build does not return this object" });
        continue;
      }
      findings.push(...fieldFindings(item, counterpart));
    }
    for (const [id] of built) {
      if (!seen.has(id))
        findings.push({
          location: { file: kustomizationFile, line: 1, column: 1 },
          message: `kustomize build returns ${id}, which no rendered file holds`,
        });
    }
    return findings;
  },
};

function fieldFindings(item: ManifestObject, built: unknown): RawFinding[] {
  // Lists compared item by item: every step is a key or an index, a path into the file.
  return valueDifferences(item.object as KubeObject, built, { matchByName: false })
    .slice(0, maxDifferencesPerObject)
    .map((difference) => ({
      object: item,
      path: difference.path as (string | number)[],
      message: `rendered ${show(difference.before)}, kustomize build returns ${show(difference.after)}`,
    }));
}
