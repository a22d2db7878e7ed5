import type { StageRule } from "../finding.ts";
import { objectsOfKind, podTemplates, valueAt } from "./workloads.ts";

export const serviceSelector: StageRule = {
  id: "service-selector",
  category: "reference",
  severity: "error",
  summary: "each Service's selector selects the pods of some workload in its namespace",
  hint: "make the Service selector equal the Deployment's pod labels (app: jore4-<name>)",
  run(stage) {
    const templates = podTemplates(stage.objects);
    return objectsOfKind(stage.objects, "Service").flatMap((item) => {
      const selector = valueAt(item.object, ["spec", "selector"]) as Record<string, string> | undefined;
      if (!selector || Object.keys(selector).length === 0) return [];
      const selects = templates.some(
        (template) =>
          template.item.object.metadata.namespace === item.object.metadata.namespace &&
          Object.entries(selector).every(([key, value]) => template.labels[key] === value),
      );
      if (selects) return [];
      const wanted = Object.entries(selector)
        .map(([key, value]) => `${key}=${value}`)
        .join(",");
      return [
        {
          object: item,
          path: ["spec", "selector"],
          message: `selector ${wanted} matches no pods of any workload in namespace ${item.object.metadata.namespace ?? "(none)"}`,
        },
      ];
    });
  },
};
