import type { ManifestObject, RawFinding, StageRule } from "../finding.ts";
import { objectsOfKind, podTemplates, valueAt } from "./workloads.ts";

/** CPU limits are left out on purpose: they throttle without protecting the node. */
const required = [
  ["requests", "cpu"],
  ["requests", "memory"],
  ["limits", "memory"],
] as const;

type Defaults = { requests: Set<string>; limits: Set<string> };

/**
 * What the LimitRanges of each namespace fill in for containers that set nothing: `defaultRequest`
 * (or, without it, `default`, as Kubernetes does) for requests, `default` for limits.
 */
function namespaceDefaults(objects: readonly ManifestObject[]): Map<string | undefined, Defaults> {
  const byNamespace = new Map<string | undefined, Defaults>();
  for (const item of objectsOfKind(objects, "LimitRange")) {
    const defaults = byNamespace.get(item.object.metadata.namespace) ?? {
      requests: new Set<string>(),
      limits: new Set<string>(),
    };
    const limits =
      (valueAt(item.object, ["spec", "limits"]) as
        { type?: string; default?: object; defaultRequest?: object }[] | undefined) ?? [];
    for (const limit of limits.filter((entry) => entry.type === "Container")) {
      for (const name of Object.keys(limit.defaultRequest ?? limit.default ?? {})) defaults.requests.add(name);
      for (const name of Object.keys(limit.default ?? {})) defaults.limits.add(name);
    }
    byNamespace.set(item.object.metadata.namespace, defaults);
  }
  return byNamespace;
}

export const resources: StageRule = {
  id: "resources",
  category: "safety",
  severity: "warning",
  summary:
    "every container requests CPU and memory and limits memory, itself or through a LimitRange of its namespace (severity: check.severity.resources in jore4-flux.yaml)",
  hint: "set services.<name>.resources.requests.{cpu,memory} and resources.limits.memory, or namespace defaults in a LimitRange (manifests/)",
  run(stage) {
    const defaults = namespaceDefaults(stage.objects);
    return podTemplates(stage.objects).flatMap((template) =>
      (template.spec.containers ?? []).flatMap((container, index): RawFinding[] => {
        const filled = defaults.get(template.item.object.metadata.namespace);
        const missing = required.filter(
          ([group, name]) => container.resources?.[group]?.[name] === undefined && !filled?.[group].has(name),
        );
        if (missing.length === 0) return [];
        const path = [...template.specPath, "containers", index, "resources"];
        return [
          {
            object: template.item,
            path,
            message: `container ${container.name ?? index} sets no ${missing.map(([group, name]) => `${group}.${name}`).join(", ")}`,
          },
        ];
      }),
    );
  },
};
