import type { StageRule } from "../finding.ts";
import { objectsOfKind, podTemplates, valueAt, type PodTemplate } from "./workloads.ts";

/** A label as one key (NUL cannot be in a label key or value). */
const labelKey = (key: string, value: string) => `${key}\u0000${value}`;

/** Pod templates by namespace and by each label they carry: a selector is matched against those with its first label only. */
function templatesByLabel(templates: readonly PodTemplate[]): Map<string | undefined, Map<string, PodTemplate[]>> {
  const index = new Map<string | undefined, Map<string, PodTemplate[]>>();
  for (const template of templates) {
    const namespace = template.item.object.metadata.namespace;
    const byLabel = index.get(namespace) ?? index.set(namespace, new Map()).get(namespace)!;
    for (const [key, value] of Object.entries(template.labels)) {
      const label = labelKey(key, value);
      const found = byLabel.get(label);
      if (found) found.push(template);
      else byLabel.set(label, [template]);
    }
  }
  return index;
}

export const serviceSelector: StageRule = {
  id: "service-selector",
  category: "reference",
  severity: "error",
  summary: "each Service's selector selects the pods of some workload in its namespace",
  hint: "make the Service selector equal the Deployment's pod labels (app: jore4-<name>)",
  run(stage) {
    const index = templatesByLabel(podTemplates(stage.objects));
    return objectsOfKind(stage.objects, "Service").flatMap((item) => {
      const selector = valueAt(item.object, ["spec", "selector"]) as Record<string, string> | undefined;
      const wanted = Object.entries(selector ?? {});
      if (wanted.length === 0) return [];
      const [firstKey, firstValue] = wanted[0]!;
      const candidates = index.get(item.object.metadata.namespace)?.get(labelKey(firstKey, firstValue)) ?? [];
      if (candidates.some((template) => wanted.every(([key, value]) => template.labels[key] === value))) return [];
      return [
        {
          object: item,
          path: ["spec", "selector"],
          message: `selector ${wanted.map(([key, value]) => `${key}=${value}`).join(",")} matches no pods of any workload in namespace ${item.object.metadata.namespace ?? "(none)"}`,
        },
      ];
    });
  },
};
