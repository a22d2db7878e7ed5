import type { ProjectConfig } from "../../src/config/project.ts";
import type { KubeObject } from "../../src/kube/object.ts";

/**
 * The objects `status` reads of a stage, as kubectl lists them, for the unit tests of its model:
 * the Flux source and sync of the branch dev (flux-system/flux-repo, flux-system/flux-system-sync)
 * and the stage's Deployments in hsl-jore4. Each test gives the status fields it is about.
 */

/** The Flux part of the configuration these objects belong to. */
export const fluxConfig = {
  flux: { namespace: "flux-system", sourceName: "flux-repo", syncName: "flux-system-sync" },
} as ProjectConfig;

/** A Deployment's status when it has rolled out (one replica, up to date, available). */
export const rolledOutStatus = { observedGeneration: 1, replicas: 1, updatedReplicas: 1, availableReplicas: 1 };

/** The stage's Deployment `name` running `image` in a container of the same name: rolled out unless told otherwise. */
export function liveDeployment(
  name: string,
  image: string,
  status: Record<string, unknown> = rolledOutStatus,
): KubeObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace: "hsl-jore4", generation: 1 },
    spec: { replicas: 1, template: { spec: { containers: [{ name, image }] } } },
    status,
  };
}

/** The GitRepository of the branch dev, with this status. */
export const fluxGitRepository = (status: Record<string, unknown>): KubeObject => ({
  apiVersion: "source.toolkit.fluxcd.io/v1",
  kind: "GitRepository",
  metadata: { name: "flux-repo", namespace: "flux-system", generation: 1 },
  spec: { url: "http://127.0.0.1/x.git", ref: { branch: "dev" } },
  status,
});

/** The Kustomization syncing the stage, at this generation, with this spec and status. */
export const fluxKustomization = (
  status: Record<string, unknown>,
  { generation = 1, spec = {} }: { generation?: number; spec?: Record<string, unknown> } = {},
): KubeObject => ({
  apiVersion: "kustomize.toolkit.fluxcd.io/v1",
  kind: "Kustomization",
  metadata: { name: "flux-system-sync", namespace: "flux-system", generation },
  spec,
  status,
});
