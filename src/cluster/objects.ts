import { createTwoFilesPatch } from "diff";
import { stringify } from "yaml";
import { ExitCode, Jore4FluxError } from "../errors.ts";
import { diffObjects, type ObjectChange } from "../diff/objects.ts";
import { objectId, resourceType, type KubeObject } from "../kube/object.ts";
import { imageName, type ImageOverride } from "../values/image-reference.ts";

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

export function prunableTypes(desired: readonly KubeObject[]): string[] {
  const present = new Set(desired.map(resourceType));
  return [...builtInPrunable, ...customPrunable.filter((type) => present.has(type))];
}

/** Marks every object with the stage label, so that `--prune` finds what an earlier deploy applied. */
export function withStageLabel(objects: readonly KubeObject[], stage: string): KubeObject[] {
  return objects.map((object) => ({
    ...object,
    metadata: { ...object.metadata, labels: { ...object.metadata.labels, [stageLabel]: stage } },
  }));
}

/**
 * What `deploy cluster` records on the stage's Namespace: the commit it applied, and whether the
 * folder had uncommitted changes. `status` reads it for stages Flux does not sync (kind).
 */
export const revisionAnnotation = "jore4-flux.hsl.fi/revision";
export const uncommittedAnnotation = "jore4-flux.hsl.fi/uncommitted";

/** What `deploy cluster` applied: the commit (undefined: a Namespace that records none) and whether the folder had uncommitted changes. */
export interface RecordedDeploy {
  revision?: string;
  uncommitted: boolean;
}

/** Annotates the stage's Namespace with the revision applied (nothing when not deployed from a git checkout). */
export function withRevision(
  objects: readonly KubeObject[],
  namespace: string,
  revision: (RecordedDeploy & { revision: string }) | undefined,
): KubeObject[] {
  if (!revision) return [...objects];
  return objects.map((object) =>
    object.kind === "Namespace" && object.metadata.name === namespace
      ? {
          ...object,
          metadata: {
            ...object.metadata,
            annotations: {
              ...(object.metadata.annotations as Record<string, string> | undefined),
              [revisionAnnotation]: revision.revision,
              ...(revision.uncommitted ? { [uncommittedAnnotation]: "true" } : {}),
            },
          },
        }
      : object,
  );
}

/** The revision a live Namespace records (see `withRevision`). */
export function recordedDeploy(namespace: KubeObject): RecordedDeploy {
  const annotations = (namespace.metadata.annotations as Record<string, string> | undefined) ?? {};
  return { revision: annotations[revisionAnnotation], uncommitted: annotations[uncommittedAnnotation] === "true" };
}

/** The namespaces the objects live in that they also create. */
export function createdNamespaces(objects: readonly KubeObject[]): string[] {
  return objects.filter((object) => object.kind === "Namespace").map((object) => object.metadata.name);
}

/** What `--prune` deletes: labelled objects of the stage in the cluster that the stage no longer has. */
export function pruneCandidates(live: readonly KubeObject[], desired: readonly KubeObject[]): KubeObject[] {
  const wanted = new Set(desired.map(objectId));
  return live.filter((object) => !wanted.has(objectId(object)));
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

/** An object's change as deploy reports it: the one object change, with a unified diff for printing. */
export interface AppliedChange extends ObjectChange {
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
export function semanticChanges(dryRun: readonly KubeObject[], live: ReadonlyMap<string, KubeObject>): AppliedChange[] {
  return dryRun.map((after) => {
    const key = objectId(after);
    const before = live.get(key);
    const [afterObject, beforeObject] = [comparable(after), before ? comparable(before) : undefined];
    const [change] = diffObjects(beforeObject ? [beforeObject] : [], [afterObject], { unchanged: true });
    const afterText = stringify(maskSecret(afterObject, beforeObject, "after"));
    const beforeText = beforeObject ? stringify(maskSecret(beforeObject, afterObject, "before")) : "";
    const diff =
      change!.change === "unchanged"
        ? ""
        : createTwoFilesPatch(`live/${key}`, `applied/${key}`, beforeText, afterText, undefined, undefined, {
            context: 3,
          });
    return { ...change!, diff };
  });
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
