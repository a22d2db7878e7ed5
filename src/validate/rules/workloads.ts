import type { KeyPath } from "../../values/yaml-source.ts";
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

/** Each stage's pod templates, found once for the several rules that read them. */
const templatesOf = new WeakMap<readonly ManifestObject[], readonly PodTemplate[]>();

export function podTemplates(objects: readonly ManifestObject[]): readonly PodTemplate[] {
  let templates = templatesOf.get(objects);
  if (!templates) {
    templates = findPodTemplates(objects);
    templatesOf.set(objects, templates);
  }
  return templates;
}

function findPodTemplates(objects: readonly ManifestObject[]): PodTemplate[] {
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

/** Each stage's objects by kind, grouped once for the many rules that ask (in the stage's order). */
const kindIndexes = new WeakMap<readonly ManifestObject[], Map<string, ManifestObject[]>>();

export function objectsOfKind(objects: readonly ManifestObject[], kind: string): readonly ManifestObject[] {
  let index = kindIndexes.get(objects);
  if (!index) {
    index = new Map();
    for (const item of objects) {
      const found = index.get(item.object.kind);
      if (found) found.push(item);
      else index.set(item.object.kind, [item]);
    }
    kindIndexes.set(objects, index);
  }
  return index.get(kind) ?? [];
}

type NameIndex = Map<unknown, Map<unknown, Map<unknown, ManifestObject>>>;

/** Each stage's objects by kind, namespace and name (the first of each), indexed once: rules look up thousands. */
const nameIndexes = new WeakMap<readonly ManifestObject[], NameIndex>();

function nameIndex(objects: readonly ManifestObject[]): NameIndex {
  let index = nameIndexes.get(objects);
  if (index) return index;
  index = new Map();
  for (const item of objects) {
    const { kind, metadata } = item.object;
    const byNamespace = index.get(kind) ?? index.set(kind, new Map()).get(kind)!;
    const namespace = metadata?.namespace ?? undefined;
    const byName = byNamespace.get(namespace) ?? byNamespace.set(namespace, new Map()).get(namespace)!;
    if (!byName.has(metadata?.name)) byName.set(metadata?.name, item);
  }
  nameIndexes.set(objects, index);
  return index;
}

/** The object of `kind` by name within `namespace` (compared with ===, so NaN names nothing). */
export function named(
  objects: readonly ManifestObject[],
  kind: string,
  namespace: string | undefined,
  name: string | undefined,
): ManifestObject | undefined {
  if ([kind, namespace, name].some((part) => Number.isNaN(part))) return undefined;
  return nameIndex(objects).get(kind)?.get(namespace)?.get(name);
}
