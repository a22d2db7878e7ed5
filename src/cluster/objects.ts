import { createTwoFilesPatch } from "diff";
import { parseAllDocuments, stringify } from "yaml";
import { kubernetesYaml } from "../render/yaml-text.ts";
import { ExitCode, Jore4FluxError } from "../errors.ts";

/** A Kubernetes object as applied: plain JSON data. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; [key: string]: unknown };
  [key: string]: unknown;
}

/** Label put on every object `deploy cluster` applies, naming the stage: what `--prune` looks for. */
export const stageLabel = "jore4-flux.hsl.fi/stage";

/**
 * Kinds `--prune` may delete (as `kind.group` for kubectl). Namespaces and CRDs never are:
 * deleting them deletes everything in them. Custom kinds are looked for only when the stage has
 * them (their CRD may not be installed elsewhere).
 */
const builtInPrunable = [
  "deployment.apps",
  "service",
  "configmap",
  "secret",
  "ingress.networking.k8s.io",
  "limitrange",
];
const customPrunable = [
  "secretproviderclass.secrets-store.csi.x-k8s.io",
  "gitrepository.source.toolkit.fluxcd.io",
  "kustomization.kustomize.toolkit.fluxcd.io",
];

/** `kind.group` of an object, the way kubectl names a resource type unambiguously. */
export function resourceType(object: Pick<KubeObject, "apiVersion" | "kind">): string {
  const group = object.apiVersion.includes("/") ? `.${object.apiVersion.split("/")[0]}` : "";
  return `${object.kind.toLowerCase()}${group}`;
}

export function prunableTypes(desired: readonly KubeObject[]): string[] {
  const present = new Set(desired.map(resourceType));
  return [...builtInPrunable, ...customPrunable.filter((type) => present.has(type))];
}

export function parseObjects(text: string, origin: string): KubeObject[] {
  return parseAllDocuments(text).flatMap((document) => {
    if (document.errors.length > 0)
      throw new Jore4FluxError(`${origin}: ${document.errors[0]!.message}`, { exitCode: ExitCode.invalid });
    const value = document.toJS() as KubeObject | null;
    if (value === null) return [];
    if (typeof value.kind !== "string" || typeof value.metadata?.name !== "string") {
      throw new Jore4FluxError(`${origin}: a document without kind or metadata.name`, { exitCode: ExitCode.invalid });
    }
    return [value];
  });
}

export function objectsText(objects: readonly KubeObject[]): string {
  return objects.map(kubernetesYaml).join("---\n");
}

export function objectKey(object: Pick<KubeObject, "kind" | "metadata"> & { apiVersion?: string }): string {
  const group = (object.apiVersion ?? "").includes("/") ? object.apiVersion!.split("/")[0] : "";
  return `${object.kind}${group ? `.${group}` : ""} ${object.metadata.namespace ? `${object.metadata.namespace}/` : ""}${object.metadata.name}`;
}

/** Marks every object with the stage label, so that `--prune` finds what an earlier deploy applied. */
export function withStageLabel(objects: readonly KubeObject[], stage: string): KubeObject[] {
  return objects.map((object) => ({
    ...object,
    metadata: { ...object.metadata, labels: { ...object.metadata.labels, [stageLabel]: stage } },
  }));
}

/** The namespaces the objects live in that they also create. */
export function createdNamespaces(objects: readonly KubeObject[]): string[] {
  return objects.filter((object) => object.kind === "Namespace").map((object) => object.metadata.name);
}

/** What `--prune` deletes: labelled objects of the stage in the cluster that the stage no longer has. */
export function pruneCandidates(live: readonly KubeObject[], desired: readonly KubeObject[]): KubeObject[] {
  const wanted = new Set(desired.map(objectKey));
  return live.filter((object) => !wanted.has(objectKey(object)));
}

const serverOwnedMetadata = ["managedFields", "resourceVersion", "generation", "uid", "creationTimestamp"];

/** The object without what the server maintains by itself, for a semantic comparison. */
export function comparable(object: KubeObject): KubeObject {
  const metadata = Object.fromEntries(
    Object.entries(object.metadata).filter(([key]) => !serverOwnedMetadata.includes(key)),
  );
  const annotations = metadata.annotations as Record<string, string> | undefined;
  if (annotations) {
    const kept = Object.fromEntries(
      Object.entries(annotations).filter(([key]) => key !== "deployment.kubernetes.io/revision"),
    );
    if (Object.keys(kept).length > 0) metadata.annotations = kept;
    else delete metadata.annotations;
  }
  const { status: _status, ...rest } = object;
  return { ...rest, metadata } as KubeObject;
}

export type ChangeKind = "create" | "change" | "unchanged";
export interface ObjectChange {
  key: string;
  change: ChangeKind;
  /** A unified diff of the object as it is and as it would be (empty when unchanged). */
  diff: string;
}

/** A Secret's values hidden for printing (like `kubectl diff`), telling only whether each changed. */
function maskSecret(object: KubeObject, other: KubeObject | undefined, side: string): KubeObject {
  if (object.kind !== "Secret" || !object.data) return object;
  const otherData = (other?.data ?? {}) as Record<string, string>;
  const data = Object.fromEntries(
    Object.entries(object.data as Record<string, string>).map(([key, value]) => [
      key,
      otherData[key] === value ? "***" : `*** (${side})`,
    ]),
  );
  return { ...object, data };
}

/** The semantic change of each object: the live object against the server's dry-run result. */
export function semanticChanges(dryRun: readonly KubeObject[], live: ReadonlyMap<string, KubeObject>): ObjectChange[] {
  return dryRun.map((after) => {
    const key = objectKey(after);
    const before = live.get(key);
    const [afterObject, beforeObject] = [comparable(after), before ? comparable(before) : undefined];
    const same = beforeObject !== undefined && stringify(beforeObject) === stringify(afterObject);
    const change: ChangeKind = !beforeObject ? "create" : same ? "unchanged" : "change";
    const afterText = stringify(maskSecret(afterObject, beforeObject, "after"));
    const beforeText = beforeObject ? stringify(maskSecret(beforeObject, afterObject, "before")) : "";
    const diff =
      change === "unchanged"
        ? ""
        : createTwoFilesPatch(`live/${key}`, `applied/${key}`, beforeText, afterText, undefined, undefined, {
            context: 3,
          });
    return { key, change, diff };
  });
}

/** An image override: every container image named `name` (any tag or digest) becomes `image`; `name` may also be a service of the values. */
export interface ImageOverride {
  name: string;
  image: string;
}

/** `name` of an image reference: without tag and digest. */
export function imageName(reference: string): string {
  const withoutDigest = reference.split("@")[0]!;
  const lastSlash = withoutDigest.lastIndexOf("/");
  const colon = withoutDigest.lastIndexOf(":");
  return colon > lastSlash ? withoutDigest.slice(0, colon) : withoutDigest;
}

export function parseImageOverride(text: string): ImageOverride {
  const separator = text.indexOf("=");
  const [name, image] = separator > 0 ? [text.slice(0, separator), text.slice(separator + 1)] : [imageName(text), text];
  if (!image || /\s/.test(image))
    throw new Jore4FluxError(
      `--set-image ${text}: expected SERVICE=IMAGE, NAME=IMAGE or IMAGE (e.g. ui=hsldevcom/jore4-ui:latest)`,
      { exitCode: ExitCode.invalid },
    );
  return { name, image };
}

/** An override named by service (`ui=…`) becomes one named by that service's image in the values. */
export function resolveImageOverrides(
  overrides: readonly ImageOverride[],
  serviceImages: Readonly<Record<string, string>>,
): ImageOverride[] {
  return overrides.map((override) => {
    const image = serviceImages[override.name];
    return image === undefined ? override : { ...override, name: imageName(image) };
  });
}

type PodSpec = { containers?: { image?: string }[]; initContainers?: { image?: string }[] };

/** The objects with the overridden images, like a kustomize `images:` edit; an override matching no container is an error. */
export function overrideImages(objects: readonly KubeObject[], overrides: readonly ImageOverride[]): KubeObject[] {
  const used = new Set<string>();
  const result = objects.map((object) => {
    const spec = (object.spec as { template?: { spec?: PodSpec } } | undefined)?.template?.spec;
    if (!spec) return object;
    const copy = structuredClone(object);
    const podSpec = (copy.spec as { template: { spec: PodSpec } }).template.spec;
    for (const container of [...(podSpec.containers ?? []), ...(podSpec.initContainers ?? [])]) {
      const override = overrides.find((candidate) => container.image && imageName(container.image) === candidate.name);
      if (override) {
        container.image = override.image;
        used.add(override.name);
      }
    }
    return copy;
  });
  const unused = overrides.filter((override) => !used.has(override.name));
  if (unused.length > 0) {
    throw new Jore4FluxError(`no container uses image ${unused.map((override) => override.name).join(", ")}`, {
      exitCode: ExitCode.invalid,
      hint: "name the image without tag, as in the values (e.g. hsldevcom/jore4-ui)",
    });
  }
  return result;
}
