import type { RawFinding, StageRule } from "../finding.ts";
import { podTemplates } from "./workloads.ts";

export const probes: StageRule = {
  id: "probes",
  category: "safety",
  severity: "error",
  summary: "every long-running container has a liveness and a readiness probe",
  hint: "set services.<name>.probe (httpPath, or command for services without HTTP)",
  run(stage) {
    return podTemplates(stage.objects)
      .filter((template) => !["Job", "CronJob"].includes(template.item.object.kind))
      .flatMap((template) =>
        (template.spec.containers ?? []).flatMap((container, index): RawFinding[] =>
          (["livenessProbe", "readinessProbe"] as const)
            .filter((probe) => container[probe] === undefined)
            .map((probe) => ({
              object: template.item,
              path: [...template.specPath, "containers", index, probe],
              message: `container ${container.name ?? index} has no ${probe}`,
            })),
        ),
      );
  },
};
