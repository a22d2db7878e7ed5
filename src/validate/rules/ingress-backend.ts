import type { StageRule } from "../finding.ts";
import { objectLookup, objectsOfKind, valueAt } from "./workloads.ts";

interface Backend {
  service?: { name?: string; port?: { number?: number; name?: string } };
}

interface ServicePort {
  port?: number;
  name?: string;
}

export const ingressBackend: StageRule = {
  id: "ingress-backend",
  category: "reference",
  severity: "error",
  summary: "each Ingress backend names a Service of the stage and one of its ports",
  hint: "route to an existing Service and a port it exposes (services.<name>.containerPort)",
  run(stage) {
    const find = objectLookup(stage.objects);
    return objectsOfKind(stage.objects, "Ingress").flatMap((item) => {
      const backends: { backend: Backend; path: (string | number)[] }[] = [];
      const defaultBackend = valueAt(item.object, ["spec", "defaultBackend"]) as Backend | undefined;
      if (defaultBackend) backends.push({ backend: defaultBackend, path: ["spec", "defaultBackend"] });
      const rules =
        (valueAt(item.object, ["spec", "rules"]) as { http?: { paths?: { backend?: Backend }[] } }[] | undefined) ?? [];
      rules.forEach((rule, ruleIndex) =>
        (rule.http?.paths ?? []).forEach((entry, pathIndex) => {
          if (entry.backend)
            backends.push({
              backend: entry.backend,
              path: ["spec", "rules", ruleIndex, "http", "paths", pathIndex, "backend"],
            });
        }),
      );
      return backends.flatMap(({ backend, path }) => {
        if (!backend.service) return [];
        const name = backend.service.name;
        const service = find("Service", item.object.metadata.namespace, name);
        if (!service)
          return [
            {
              object: item,
              path: [...path, "service", "name"],
              message: `no Service '${name}' in namespace ${item.object.metadata.namespace ?? "(none)"} of stage ${stage.stage.name}`,
            },
          ];
        const ports = (valueAt(service.object, ["spec", "ports"]) as ServicePort[] | undefined) ?? [];
        const wanted = backend.service.port ?? {};
        const matches = ports.some((port) =>
          wanted.number !== undefined ? port.port === wanted.number : port.name === wanted.name,
        );
        if (matches) return [];
        const offered = ports.map((port) => (port.name ? `${port.port} (${port.name})` : String(port.port))).join(", ");
        const key = wanted.number !== undefined ? "number" : "name";
        return [
          {
            object: item,
            path: [...path, "service", "port", key],
            message: `Service ${name} has no port ${wanted.number ?? wanted.name}; it exposes ${offered || "none"}`,
          },
        ];
      });
    });
  },
};
