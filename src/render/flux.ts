import { GitRepository } from "@kubernetes-models/flux-cd/source.toolkit.fluxcd.io/v1";
import { Kustomization } from "@kubernetes-models/flux-cd/kustomize.toolkit.fluxcd.io/v1";
import type { ProjectConfig, StageConfig } from "../config/project.ts";
import { plainObject, type KubeObject } from "../kube/object.ts";

/** Flux watches the stage's branch and applies the stage's folder, including this sync itself. */
export function fluxSyncObjects(config: ProjectConfig, stage: StageConfig): KubeObject[] {
  const { flux } = config;
  return [
    plainObject(
      new GitRepository({
        metadata: { name: flux.sourceName, namespace: flux.namespace },
        spec: { interval: flux.interval, ref: { branch: stage.branch }, url: config.repository.url },
      }),
    ),
    plainObject(
      new Kustomization({
        metadata: { name: flux.syncName, namespace: flux.namespace },
        spec: {
          interval: flux.interval,
          path: `./${config.paths.clusters}/${stage.name}`,
          prune: flux.prune,
          sourceRef: { kind: "GitRepository", name: flux.sourceName },
        },
      }),
    ),
  ];
}
