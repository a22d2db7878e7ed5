import { expandStagePattern, type ProjectConfig, type StageConfig } from "../config/project.ts";
import type { CommandStep } from "./step.ts";

/** `az` command lines that log in to a stage's AKS cluster and write its kube context. */
export function aksLoginSteps(config: ProjectConfig, stage: StageConfig): CommandStep[] {
  const resourceGroup = expandStagePattern(config.aks.resourceGroup, stage.name);
  const cluster = expandStagePattern(config.aks.cluster, stage.name);
  const context = expandStagePattern(config.aks.context, stage.name);
  return [
    { title: "log in to Azure", argv: ["az", "login"], interactive: true },
    {
      title: `select the subscription ${config.aks.subscription}`,
      argv: ["az", "account", "set", "--subscription", config.aks.subscription],
    },
    {
      title: `fetch the credentials of ${cluster} as context ${context}`,
      argv: [
        "az",
        "aks",
        "get-credentials",
        "--resource-group",
        resourceGroup,
        "--name",
        cluster,
        "--context",
        context,
        "--overwrite-existing",
      ],
    },
  ];
}
