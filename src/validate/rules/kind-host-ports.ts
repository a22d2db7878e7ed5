import { locateInLayers, type KeyPath } from "../../values/yaml-source.ts";
import type { Values } from "../../values/schema.ts";
import type { RawFinding, StageRule } from "../finding.ts";
import { objectsOfKind, valueAt } from "./workloads.ts";

/** A port the kind cluster maps from the host into its node. */
export interface KindPortMapping {
  hostPort: number;
  /** Port on the node: 80 for the ingress controller, else a Service's node port. */
  containerPort: number;
  /** The values key that asks for the mapping. */
  valuesPath: KeyPath;
}

export const ingressControllerPort = 80;

/**
 * The host-port mappings of the kind cluster, as its values ask for them (the same mappings the
 * kind configuration gets: `ingress.hostPort` → port 80, each enabled service's `hostPort` → its
 * `nodePort`), with the values key of each for locating findings.
 */
export function kindPortMappings(values: Values): KindPortMapping[] {
  const mappings: KindPortMapping[] = [];
  if (values.ingress.hostPort !== undefined) mappings.push({ hostPort: values.ingress.hostPort, containerPort: ingressControllerPort, valuesPath: ["ingress", "hostPort"] });
  for (const [name, service] of Object.entries(values.services)) {
    if (!service.enabled || service.hostPort === undefined || service.nodePort === undefined) continue;
    mappings.push({ hostPort: service.hostPort, containerPort: service.nodePort, valuesPath: ["services", name, "hostPort"] });
  }
  return mappings;
}

export const kindHostPorts: StageRule = {
  id: "kind-host-ports",
  category: "reference",
  severity: "error",
  summary: "each host port the kind cluster maps reaches something: the ingress controller (port 80) or a Service's node port",
  hint: "run `npx jore4-flux generate` so the Service has services.<name>.nodePort; route something through the ingress, or drop the hostPort",
  run(stage) {
    if (stage.stage.platform !== "kind") return [];
    const nodePorts = new Set(
      objectsOfKind(stage.objects, "Service").flatMap((item) => ((valueAt(item.object, ["spec", "ports"]) as { nodePort?: number }[] | undefined) ?? []).map((port) => port.nodePort)),
    );
    const hasIngress = objectsOfKind(stage.objects, "Ingress").length > 0;
    return kindPortMappings(stage.values).flatMap((mapping): RawFinding[] => {
      const reaches = mapping.containerPort === ingressControllerPort ? hasIngress : nodePorts.has(mapping.containerPort);
      if (reaches) return [];
      const target = mapping.containerPort === ingressControllerPort ? "the ingress controller, but the stage has no Ingress" : `node port ${mapping.containerPort}, but no Service of stage ${stage.stage.name} has it`;
      return [{ location: locateInLayers(stage.valuesSources, mapping.valuesPath), path: mapping.valuesPath, message: `host port ${mapping.hostPort} maps to ${target}` }];
    });
  },
};
