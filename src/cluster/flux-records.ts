import type { ProjectConfig, StageConfig } from "../config/project.ts";
import type { Context } from "../context.ts";
import { Jore4FluxError, toolMessage } from "../errors.ts";
import { items } from "../kube/object.ts";
import { stageRecords, type FluxEvent, type FluxKustomization, type StageRecords } from "../history/live.ts";
import { stageContext } from "./context-guard.ts";
import { kubectlSteps } from "./kubectl.ts";
import { runStep } from "./run.ts";

/** A cluster that does not answer costs this long per stage, not kubectl's default. */
const requestTimeout = "--request-timeout=15s";

/**
 * Reads what a stage's cluster says about its Flux sync: the Kustomization and the Events about
 * it, through the stage's own context (reading only). A cluster that cannot be read, or has no
 * Kustomization, is a `problem`, not an error: the stage stays git-only.
 */
export async function readStageRecords(
  context: Context,
  root: string,
  config: ProjectConfig,
  stage: StageConfig,
): Promise<StageRecords> {
  const kubeContext = stageContext(config, stage);
  const base = { stage: stage.name, context: kubeContext };
  const { namespace, syncName } = config.flux;
  if (!stage.fluxSync)
    return {
      stage: { ...base, problem: "not synced by Flux (deployed directly): no Kustomization to read" },
      reconciliations: [],
    };
  const kubectl = kubectlSteps(kubeContext);
  try {
    const [kustomization, events] = await Promise.all([
      runStep(
        context,
        root,
        kubectl.get(`read the Kustomization ${namespace}/${syncName} of stage ${stage.name}`, [
          "kustomizations.kustomize.toolkit.fluxcd.io",
          syncName,
          "-n",
          namespace,
          "--ignore-not-found",
          requestTimeout,
        ]),
      ),
      runStep(
        context,
        root,
        kubectl.get(`read the Events of ${namespace}/${syncName} on stage ${stage.name}`, [
          "events",
          "-n",
          namespace,
          `--field-selector=involvedObject.kind=Kustomization,involvedObject.name=${syncName}`,
          requestTimeout,
        ]),
      ),
    ]);
    const [found] = items<FluxKustomization>(kustomization.stdout);
    if (!found)
      return {
        stage: { ...base, problem: `no Kustomization ${namespace}/${syncName}: the stage is not synced by Flux` },
        reconciliations: [],
      };
    return stageRecords(base, stage.branch, found, items<FluxEvent>(events.stdout));
  } catch (error) {
    if (!(error instanceof Jore4FluxError)) throw error;
    return { stage: { ...base, problem: `the cluster could not be read: ${toolMessage(error)}` }, reconciliations: [] };
  }
}
