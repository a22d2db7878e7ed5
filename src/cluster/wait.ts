import { setTimeout as sleep } from "node:timers/promises";
import { kubectlSteps } from "./kubectl.ts";
import { items, type KubeObject } from "../kube/object.ts";
import { deploymentState, explainingEvents, rolloutTimeoutError, type DeploymentState } from "./rollout.ts";
import type { Session } from "./session.ts";

const pollSeconds = 2;

/** Waits for the Deployments to roll out, printing each change of state; on timeout, names each that did not and why. */
export async function waitForDeployments(
  session: Session,
  context: string,
  deployments: readonly KubeObject[],
  timeoutSeconds: number,
): Promise<void> {
  if (deployments.length === 0) return;
  const kubectl = kubectlSteps(context);
  const namespaces = [...new Set(deployments.map((deployment) => deployment.metadata.namespace ?? "default"))];
  const wanted = new Set(
    deployments.map((deployment) => `${deployment.metadata.namespace ?? "default"}/${deployment.metadata.name}`),
  );
  const deadline = Date.now() + timeoutSeconds * 1000;
  const seen = new Map<string, string>();
  session.progress(`waiting up to ${timeoutSeconds} s for ${deployments.length} Deployment(s) to roll out…`);
  for (;;) {
    const states: DeploymentState[] = [];
    for (const namespace of namespaces) {
      const listed = items<KubeObject>(
        (await session.read(kubectl.get(`read the Deployments in ${namespace}`, ["deployments.apps", "-n", namespace])))
          .stdout,
      );
      states.push(...listed.map(deploymentState).filter((state) => wanted.has(`${state.namespace}/${state.name}`)));
    }
    for (const state of states) {
      const key = `${state.namespace}/${state.name}`;
      if (seen.get(key) !== state.summary) session.progress(`  ${key}: ${state.ready ? "ready" : state.summary}`);
      seen.set(key, state.summary);
    }
    const pending = states.filter((state) => !state.ready);
    if (pending.length === 0 && states.length === wanted.size) {
      session.progress(`all ${states.length} Deployment(s) rolled out`);
      return;
    }
    if (Date.now() >= deadline) {
      const events = new Map<string, string[]>();
      for (const state of pending) {
        const listed = items<Parameters<typeof explainingEvents>[0][number]>(
          (await session.read(kubectl.get(`read the events in ${state.namespace}`, ["events", "-n", state.namespace])))
            .stdout,
        );
        events.set(`${state.namespace}/${state.name}`, explainingEvents(listed, state.name));
      }
      throw rolloutTimeoutError(pending, timeoutSeconds, events);
    }
    await sleep(Math.min(pollSeconds * 1000, Math.max(0, deadline - Date.now())));
  }
}
