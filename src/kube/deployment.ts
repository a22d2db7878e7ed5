import type { KubeObject } from "./object.ts";

/** A Deployment (apps/v1), as far as jore4-flux reads one: its containers' images (in git and live) and its roll-out. */
export interface DeploymentObject extends KubeObject {
  spec?: {
    replicas?: number;
    template?: { spec?: { containers?: { name: string; image: string }[] } };
  };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    availableReplicas?: number;
    readyReplicas?: number;
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
  };
}

/** The image of each of a Deployment's containers, by container name, in the containers' order. */
export function containerImages(deployment: DeploymentObject): Record<string, string> {
  return Object.fromEntries(
    (deployment.spec?.template?.spec?.containers ?? []).map((container) => [container.name, container.image]),
  );
}
