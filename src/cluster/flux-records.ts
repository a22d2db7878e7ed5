import type { ProjectConfig, StageConfig } from "../config/project.ts";
import type { Context } from "../context.ts";
import { Jore4FluxError, toolMessage } from "../errors.ts";
import type { FluxEvent, FluxObject } from "../kube/flux.ts";
import { items } from "../kube/object.ts";
import { stageContext } from "./context-guard.ts";
import { readFluxObjects, statusReadSeconds, statusReadTimeout } from "./flux-status.ts";
import { kubectlSteps } from "./kubectl.ts";
import { runStep } from "./run.ts";
import type { Session } from "./session.ts";

/** What a stage's cluster says about its Flux sync (its Kustomization and the Events about it), or why it says nothing. */
export type StageFluxRecords =
  { context: string; problem: string } | { context: string; kustomization: FluxObject; events: FluxEvent[] };

/**
 * Reads a stage's Kustomization (`readFluxObjects`, as `status` does) and the Events about it,
 * through the stage's own context (reading only), within the same bound as `status`
 * (statusReadSeconds). A cluster that cannot be read, or has no Kustomization, is a `problem`,
 * not an error: the stage stays git-only.
 */
export async function readStageRecords(
  context: Context,
  root: string,
  config: ProjectConfig,
  stage: StageConfig,
): Promise<StageFluxRecords> {
  const kubeContext = stageContext(config, stage);
  const problem = (text: string) => ({ context: kubeContext, problem: text });
  const { namespace, syncName } = config.flux;
  if (!stage.fluxSync) return problem("not synced by Flux (deployed directly): no Kustomization to read");
  const read: Session["read"] = (step, options) => runStep(context, root, step, options);
  const signal = AbortSignal.timeout(statusReadSeconds * 1000);
  try {
    const [objects, events] = await Promise.all([
      readFluxObjects(read, kubeContext, config, signal),
      read(
        kubectlSteps(kubeContext).get(`read the Events of ${namespace}/${syncName} on stage ${stage.name}`, [
          "events",
          "-n",
          namespace,
          `--field-selector=involvedObject.kind=Kustomization,involvedObject.name=${syncName}`,
          statusReadTimeout,
        ]),
        { signal },
      ),
    ]);
    if (!objects)
      return problem("Flux is not installed in the cluster (no Kustomization kind): the stage is not synced by Flux");
    const found = objects.find(
      (object) =>
        object.kind === "Kustomization" && object.metadata.name === syncName && object.metadata.namespace === namespace,
    );
    if (!found) return problem(`no Kustomization ${namespace}/${syncName}: the stage is not synced by Flux`);
    return { context: kubeContext, kustomization: found, events: items<FluxEvent>(events.stdout) };
  } catch (error) {
    if (!(error instanceof Jore4FluxError)) throw error;
    return problem(
      `the cluster could not be read: ${signal.aborted ? `no answer within ${statusReadSeconds} s` : toolMessage(error)}`,
    );
  }
}
