import type { RawFinding, StageRule } from "../finding.ts";
import { podTemplates } from "./workloads.ts";

/** CPU limits are left out on purpose: they throttle without protecting the node. */
const required = [
  ["requests", "cpu"],
  ["requests", "memory"],
  ["limits", "memory"],
] as const;

export const resources: StageRule = {
  id: "resources",
  category: "safety",
  severity: "warning",
  summary: "every container requests CPU and memory and limits memory (severity set by check.severity.resources in jore4-flux.yaml)",
  hint: "set services.<name>.resources.requests.{cpu,memory} and resources.limits.memory",
  run(stage) {
    return podTemplates(stage.objects).flatMap((template) =>
      (template.spec.containers ?? []).flatMap((container, index): RawFinding[] => {
        const missing = required.filter(([group, name]) => container.resources?.[group]?.[name] === undefined);
        if (missing.length === 0) return [];
        const path = [...template.specPath, "containers", index, "resources"];
        return [{ object: template.item, path, message: `container ${container.name ?? index} sets no ${missing.map(([group, name]) => `${group}.${name}`).join(", ")}` }];
      }),
    );
  },
};
