import type { ILimitRange, INamespace } from "kubernetes-models/v1";
import type { ProjectConfig } from "../config/project.ts";
import type { StageModel } from "../values/load.ts";
import { fluxNotificationObjects, fluxSyncObjects } from "./flux.ts";
import { ingressObjects } from "./ingress.ts";
import { plainObject, type KubeObject } from "../kube/object.ts";
import { objectName } from "./names.ts";
import { serviceObjects } from "./service.ts";

/** One file of a rendered stage folder, before it becomes text. */
export interface RenderedFile {
  /** File name inside `clusters/<stage>/`. */
  name: string;
  objects: KubeObject[];
  /** Input files it was rendered from, relative to the repository root. */
  sources: string[];
}

export interface RenderedStage {
  stage: string;
  /** Folder relative to the repository root, e.g. `clusters/dev`. */
  dir: string;
  files: RenderedFile[];
}

export const kustomizationFileName = "kustomization.yaml";

/** Files of a stage folder that hold Flux's own objects (sync, notifications), not the stage's services. */
export const fluxFiles = { sync: "flux-sync.yaml", notifications: "flux-notifications.yaml" } as const;
const fluxSuffixes = Object.values(fluxFiles).map((name) => `/${name}`);
export const isFluxFile = (path: string) => fluxSuffixes.some((suffix) => path.endsWith(suffix));
/** The namespace's LimitRange rendered from `defaultResources`. */
export const defaultResourcesName = "jore4-default-resources";

/** Renders one stage's folder from its validated model: pure, no disk, same input same output. */
export function renderStage(config: ProjectConfig, model: StageModel): RenderedStage {
  const { stage, values } = model;
  const valuesFiles = model.valuesSources.map((source) => source.file);
  const files: RenderedFile[] = [
    {
      name: "namespace.yaml",
      objects: [plainObject<INamespace>({ apiVersion: "v1", kind: "Namespace", metadata: { name: values.namespace } })],
      sources: valuesFiles,
    },
  ];
  if (values.defaultResources)
    files.push({
      name: "limit-range.yaml",
      objects: [
        plainObject<ILimitRange>({
          apiVersion: "v1",
          kind: "LimitRange",
          metadata: { name: defaultResourcesName, namespace: values.namespace },
          spec: {
            limits: [
              {
                type: "Container",
                ...(values.defaultResources.requests ? { defaultRequest: values.defaultResources.requests } : {}),
                ...(values.defaultResources.limits ? { default: values.defaultResources.limits } : {}),
              },
            ],
          },
        }),
      ],
      sources: valuesFiles,
    });
  if (stage.fluxSync)
    files.push({ name: fluxFiles.sync, objects: fluxSyncObjects(config, stage), sources: ["jore4-flux.yaml"] });
  const notifications = fluxNotificationObjects(config, stage, values);
  if (notifications.length > 0)
    files.push({
      name: fluxFiles.notifications,
      objects: notifications,
      sources: ["jore4-flux.yaml", ...valuesFiles],
    });
  for (const [name, service] of Object.entries(values.services)) {
    if (service.enabled)
      files.push({
        name: `${objectName(name)}.yaml`,
        objects: serviceObjects(name, service, values, stage),
        sources: valuesFiles,
      });
  }
  const ingress = ingressObjects(values, stage.platform);
  if (ingress.length > 0) files.push({ name: "ingress.yaml", objects: ingress, sources: valuesFiles });
  for (const manifest of model.manifests) {
    files.push({
      name: `extra-${manifest.name}.yaml`,
      objects: manifest.objects as KubeObject[],
      sources: [manifest.file],
    });
  }
  const kustomization: KubeObject = {
    apiVersion: "kustomize.config.k8s.io/v1beta1",
    kind: "Kustomization",
    metadata: { name: stage.name },
    resources: files.map((file) => file.name),
  };
  files.push({ name: kustomizationFileName, objects: [kustomization], sources: ["jore4-flux.yaml", ...valuesFiles] });
  return { stage: stage.name, dir: `${config.paths.clusters}/${stage.name}`, files };
}
