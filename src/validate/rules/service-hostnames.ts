import type { KeyPath } from "../../io/yaml-source.ts";
import type { ManifestObject, RawFinding, StageRule } from "../finding.ts";
import { containers, objectLookup, podTemplates, valueAt } from "./workloads.ts";

/** Keys that hand a host name to a service: `db-hostname`, `HASURA_HOSTNAME`, `DB_HOST`, … */
export const hostKeyPattern = /(hostname|_host)$/i;

interface HostValue {
  item: ManifestObject;
  path: KeyPath;
  value: string;
}

function hostValues(objects: readonly ManifestObject[]): HostValue[] {
  const found: HostValue[] = [];
  const fromMap = (item: ManifestObject, key: string, decode: (value: string) => string) => {
    const map = valueAt(item.object, [key]) as Record<string, unknown> | undefined;
    for (const [name, value] of Object.entries(map ?? {})) {
      if (hostKeyPattern.test(name) && typeof value === "string")
        found.push({ item, path: [key, name], value: decode(value) });
    }
  };
  for (const item of objects) {
    if (item.object.kind === "ConfigMap") fromMap(item, "data", (value) => value);
    if (item.object.kind === "Secret") {
      fromMap(item, "stringData", (value) => value);
      fromMap(item, "data", (value) => Buffer.from(value, "base64").toString("utf8"));
    }
  }
  for (const template of podTemplates(objects)) {
    for (const { container, path } of containers(template)) {
      (container.env ?? []).forEach((variable, index) => {
        if (variable.name && hostKeyPattern.test(variable.name) && typeof variable.value === "string")
          found.push({ item: template.item, path: [...path, "env", index, "value"], value: variable.value });
      });
    }
  }
  return found.filter((entry) => entry.value.trim() !== "");
}

/**
 * The in-cluster Service a host name points at: `name`, `name.namespace` (a namespace of the
 * stage), `name.namespace.svc` or `name.namespace.svc.cluster.local`, a port may follow. Other
 * dotted names are external hosts and not checked.
 */
export function serviceOfHost(
  host: string,
  defaultNamespace: string | undefined,
  namespaces: ReadonlySet<string>,
): { name: string; namespace: string | undefined } | undefined {
  const bare = host.trim().replace(/:[0-9]+$/, "");
  const parts = bare.split(".");
  if (parts.length === 1) return { name: bare, namespace: defaultNamespace };
  const inCluster = /\.svc(\.cluster\.local)?$/.test(bare) || (parts.length === 2 && namespaces.has(parts[1]!));
  return inCluster ? { name: parts[0]!, namespace: parts[1] } : undefined;
}

export const serviceHostnames: StageRule = {
  id: "service-hostnames",
  category: "reference",
  severity: "error",
  summary: "every host name handed to a service (keys like *hostname, *_HOST) names a Service of the stage",
  hint: "use the Service's name, jore4-<name> (see the stage's Services)",
  run(stage) {
    const find = objectLookup(stage.objects);
    const services = new Set(
      stage.objects.filter((item) => item.object.kind === "Service").map((item) => item.object.metadata.name),
    );
    const namespaces = new Set(
      stage.objects.flatMap((item) =>
        item.object.kind === "Namespace"
          ? [item.object.metadata.name]
          : item.object.metadata.namespace
            ? [item.object.metadata.namespace]
            : [],
      ),
    );
    return hostValues(stage.objects).flatMap(({ item, path, value }): RawFinding[] => {
      const target = serviceOfHost(value, item.object.metadata.namespace, namespaces);
      if (!target || find("Service", target.namespace, target.name)) return [];
      return [
        {
          object: item,
          path,
          message: `host name '${value}' names no Service of stage ${stage.stage.name} (Services: ${[...services].sort().join(", ") || "none"})`,
        },
      ];
    });
  },
};
