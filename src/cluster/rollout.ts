import { ExitCode, Jore4FluxError } from "../errors.ts";
import type { DeploymentObject } from "../kube/deployment.ts";
import { durationSeconds } from "../config/duration.ts";

export interface DeploymentState {
  name: string;
  namespace: string;
  ready: boolean;
  /** e.g. `1/1 updated, 0/1 available`. */
  summary: string;
}

/** Whether a Deployment has rolled out, the way `kubectl rollout status` decides it. */
export function deploymentState(deployment: DeploymentObject): DeploymentState {
  const wanted = deployment.spec?.replicas ?? 1;
  const status = deployment.status ?? {};
  const observed = (status.observedGeneration ?? 0) >= ((deployment.metadata.generation as number | undefined) ?? 1);
  const updated = status.updatedReplicas ?? 0;
  const available = status.availableReplicas ?? 0;
  const ready = observed && updated >= wanted && available >= wanted && (status.replicas ?? 0) <= wanted;
  const failed = status.conditions?.find(
    (condition) => condition.type === "Progressing" && condition.status === "False",
  );
  const summary = observed
    ? `${updated}/${wanted} updated, ${available}/${wanted} available${failed ? `, ${failed.reason}: ${failed.message}` : ""}`
    : "not yet seen by the deployment controller";
  return { name: deployment.metadata.name, namespace: deployment.metadata.namespace ?? "default", ready, summary };
}

interface EventObject {
  type?: string;
  reason?: string;
  message?: string;
  involvedObject?: { kind?: string; name?: string };
  lastTimestamp?: string;
}

/** The events that explain why a Deployment is not ready: its own, its ReplicaSets' and its Pods'. */
export function explainingEvents(events: readonly EventObject[], deployment: string): string[] {
  return events
    .filter(({ involvedObject: about }) =>
      about?.kind === "Deployment"
        ? about.name === deployment
        : (about?.kind === "ReplicaSet" || about?.kind === "Pod") && about.name?.startsWith(`${deployment}-`),
    )
    .slice(-5)
    .map(
      (event) =>
        `${event.involvedObject?.kind}/${event.involvedObject?.name}: ${event.type} ${event.reason}: ${event.message}`,
    );
}

export function rolloutTimeoutError(
  pending: readonly DeploymentState[],
  seconds: number,
  events: ReadonlyMap<string, string[]>,
): Jore4FluxError {
  const lines = pending.map((state) => {
    const reasons = events.get(`${state.namespace}/${state.name}`) ?? [];
    const why =
      reasons.length > 0
        ? reasons.map((line) => `\n    ${line}`).join("")
        : " (no events: no controller has acted on it; is the cluster's controller manager running and are there nodes?)";
    return `  Deployment ${state.namespace}/${state.name}: ${state.summary}${why}`;
  });
  return new Jore4FluxError(
    `${pending.length} Deployment(s) did not become ready within ${seconds} s:\n${lines.join("\n")}`,
    {
      exitCode: ExitCode.failed,
      hint: "inspect with `kubectl get pods -n <namespace>` and `kubectl describe`; the objects were applied; raise --timeout or pass --no-wait to skip waiting",
    },
  );
}

/** `90s`, `3m`, `1m30s`, `180` (seconds) → seconds (src/config/duration.ts). */
export function parseSeconds(text: string): number {
  const seconds = durationSeconds(text);
  if (seconds === undefined)
    throw new Jore4FluxError(`--timeout ${text}: expected seconds like 180, 180s or 3m`, {
      exitCode: ExitCode.invalid,
    });
  return seconds;
}
