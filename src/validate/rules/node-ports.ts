import type { RawFinding, StageRule } from "../finding.ts";
import { objectsOfKind, valueAt } from "./workloads.ts";

/** The apiserver's default --service-node-port-range. */
export const nodePortRange = { min: 30000, max: 32767 };

export const nodePorts: StageRule = {
  id: "node-ports",
  category: "reference",
  severity: "error",
  summary: "node ports are unique in the stage and inside the node port range",
  hint: `pick an unused node port from ${nodePortRange.min}-${nodePortRange.max} (services.<name>.nodePort)`,
  run(stage) {
    const seen = new Map<number, string>();
    const findings: RawFinding[] = [];
    for (const item of objectsOfKind(stage.objects, "Service")) {
      const ports = (valueAt(item.object, ["spec", "ports"]) as { nodePort?: number }[] | undefined) ?? [];
      ports.forEach((port, index) => {
        if (port.nodePort === undefined) return;
        const path = ["spec", "ports", index, "nodePort"];
        if (port.nodePort < nodePortRange.min || port.nodePort > nodePortRange.max)
          findings.push({
            object: item,
            path,
            message: `node port ${port.nodePort} is outside ${nodePortRange.min}-${nodePortRange.max}`,
          });
        const owner = seen.get(port.nodePort);
        if (owner)
          findings.push({
            object: item,
            path,
            message: `node port ${port.nodePort} is already used by Service ${owner}`,
          });
        else seen.set(port.nodePort, item.object.metadata.name);
      });
    }
    return findings;
  },
};
