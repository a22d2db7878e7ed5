import { locateInLayers } from "../../io/yaml-source.ts";
import { ingressContainerPort, kindPortMappings } from "../../cluster/kind.ts";
import type { RawFinding, StageRule } from "../finding.ts";
import { objectsOfKind, valueAt } from "./workloads.ts";

export const kindHostPorts: StageRule = {
  id: "kind-host-ports",
  category: "reference",
  severity: "error",
  summary:
    "each host port the kind cluster maps reaches something: the ingress controller (port 80) or a Service's node port",
  hint: "run `npx jore4-flux generate` so the Service has services.<name>.nodePort; route something through the ingress, or drop the hostPort",
  run(stage) {
    if (stage.stage.platform !== "kind") return [];
    const nodePorts = new Set(
      objectsOfKind(stage.objects, "Service").flatMap((item) =>
        ((valueAt(item.object, ["spec", "ports"]) as { nodePort?: number }[] | undefined) ?? []).map(
          (port) => port.nodePort,
        ),
      ),
    );
    const hasIngress = objectsOfKind(stage.objects, "Ingress").length > 0;
    return kindPortMappings(stage.values).flatMap((mapping): RawFinding[] => {
      const reaches =
        mapping.containerPort === ingressContainerPort ? hasIngress : nodePorts.has(mapping.containerPort);
      if (reaches) return [];
      const target =
        mapping.containerPort === ingressContainerPort
          ? "the ingress controller, but the stage has no Ingress"
          : `node port ${mapping.containerPort}, but no Service of stage ${stage.stage.name} has it`;
      return [
        {
          location: locateInLayers(stage.valuesSources, mapping.valuesPath),
          path: mapping.valuesPath,
          message: `host port ${mapping.hostPort} maps to ${target}`,
        },
      ];
    });
  },
};
