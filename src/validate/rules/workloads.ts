import type { KeyPath } from "../../io/yaml-source.ts";
import type { ManifestObject } from "../finding.ts";

/** Shapes shared by the reference and safety rules: the pod template inside workload objects. */
export interface PodTemplate {
  item: ManifestObject;
  /** Path of the pod spec inside the object. */
  specPath: KeyPath;
  spec: PodSpec;
  labels: Record<string, string>;
}

export interface Container {
  name?: string;
  image?: string;
  env?: {
    name?: string;
    value?: unknown;
    valueFrom?: { configMapKeyRef?: { name?: string }; secretKeyRef?: { name?: string } };
  }[];
  envFrom?: { configMapRef?: { name?: string }; secretRef?: { name?: string } }[];
  livenessProbe?: unknown;
  readinessProbe?: unknown;
  resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
}

export interface PodSpec {
  containers?: Container[];
  initContainers?: Container[];
  volumes?: {
    name?: string;
    configMap?: { name?: string };
    secret?: { secretName?: string };
    csi?: { driver?: string; volumeAttributes?: Record<string, string> };
  }[];
  imagePullSecrets?: { name?: string }[];
}

const templatePaths: Record<string, KeyPath> = {
  Deployment: ["spec", "template"],
  StatefulSet: ["spec", "template"],
  DaemonSet: ["spec", "template"],
  ReplicaSet: ["spec", "template"],
  Job: ["spec", "template"],
  CronJob: ["spec", "jobTemplate", "spec", "template"],
};

export function valueAt(value: unknown, path: KeyPath): unknown {
  let current = value;
  for (const segment of path) {
    if (typeof current !== "object" || current === null) return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}

/** The pod templates of a stage's workloads (and its Pods), in the stage's order. */
export function podTemplates(objects: readonly ManifestObject[]): PodTemplate[] {
  return objects.flatMap((item): PodTemplate[] => {
    const kind = item.object.kind;
    if (kind === "Pod") {
      const spec = valueAt(item.object, ["spec"]) as PodSpec | undefined;
      return spec
        ? [{ item, specPath: ["spec"], spec, labels: (item.object.metadata.labels as Record<string, string>) ?? {} }]
        : [];
    }
    const path = templatePaths[kind];
    const spec = path && (valueAt(item.object, [...path, "spec"]) as PodSpec | undefined);
    if (!path || !spec) return [];
    return [
      {
        item,
        specPath: [...path, "spec"],
        spec,
        labels: (valueAt(item.object, [...path, "metadata", "labels"]) as Record<string, string>) ?? {},
      },
    ];
  });
}

/** Every container (init containers too), with its path inside the object. */
export function containers(template: PodTemplate): { container: Container; path: KeyPath }[] {
  const list = (key: "containers" | "initContainers") =>
    (template.spec[key] ?? []).map((container, index) => ({
      container,
      path: [...template.specPath, key, index] as KeyPath,
    }));
  return [...list("containers"), ...list("initContainers")];
}

/** The objects of `kind`, in the stage's order. */
export function objectsOfKind(objects: readonly ManifestObject[], kind: string): ManifestObject[] {
  return objects.filter((item) => item.object.kind === kind);
}

/**
 * Finds objects by kind, namespace and name (the first of each; compared with ===, so NaN names
 * nothing): the index is built once per call, for a rule that looks up many.
 */
export function objectLookup(
  objects: readonly ManifestObject[],
): (kind: string, namespace: string | undefined, name: string | undefined) => ManifestObject | undefined {
  const index = new Map<unknown, Map<unknown, Map<unknown, ManifestObject>>>();
  for (const item of objects) {
    const { kind, metadata } = item.object;
    const byNamespace = index.get(kind) ?? index.set(kind, new Map()).get(kind)!;
    const namespace = metadata?.namespace ?? undefined;
    const byName = byNamespace.get(namespace) ?? byNamespace.set(namespace, new Map()).get(namespace)!;
    if (!byName.has(metadata?.name)) byName.set(metadata?.name, item);
  }
  return (kind, namespace, name) =>
    [kind, namespace, name].some((part) => Number.isNaN(part)) ? undefined : index.get(kind)?.get(namespace)?.get(name);
}
