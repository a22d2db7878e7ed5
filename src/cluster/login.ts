import { diskFiles } from "../io/source-files.ts";
import { findStageModel, loadProject } from "../values/load.ts";
import type { Values } from "../values/schema.ts";
import { aksLoginSteps } from "./az.ts";
import { stageContext } from "./context-guard.ts";
import { kindSteps } from "./kind.ts";
import { kubectlSteps } from "./kubectl.ts";
import type { Session } from "./session.ts";
import type { CommandStep } from "./step.ts";
import type { StageConfig } from "../config/project.ts";

/** A stage's merged values (its namespace, services, ports). */
export function stageValues(session: Pick<Session, "root">, stage: string): Values {
  return findStageModel(loadProject(diskFiles(session.root)), stage).values;
}

/** Log in to a stage's cluster: fetch its kube context, then make the stage's namespace its default. */
export function loginSteps(session: Pick<Session, "config" | "root">, stage: StageConfig): CommandStep[] {
  const context = stageContext(session.config, stage);
  const credentials =
    stage.platform === "aks" ? aksLoginSteps(session.config, stage) : [kindSteps(session.config).exportKubeconfig()];
  return [...credentials, kubectlSteps(context).setNamespace(stageValues(session, stage.name).namespace)];
}
