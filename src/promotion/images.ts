import type { DeploymentObject } from "../kube/deployment.ts";
import { diffObjects, type ObjectChange } from "../diff/objects.ts";
import { yamlStreamValues } from "../io/yaml-source.ts";
import { objectId, type KubeObject } from "../kube/object.ts";
import { isFluxFile } from "../render/stage.ts";
import { objectPrefix } from "../config/project.ts";

/** The image each service runs on a stage, by service name. */
export type ServiceImages = Readonly<Record<string, string>>;

export interface ImageChange {
  service: string;
  /** undefined: the service did not run before. */
  from: string | undefined;
  /** undefined: the service no longer runs. */
  to: string | undefined;
}

/** Every mapping document of a file, read leniently (a file of any past commit may be odd). */
function objectsOf(text: string): KubeObject[] {
  return yamlStreamValues(text).filter(
    (value): value is KubeObject => typeof value === "object" && value !== null && !Array.isArray(value),
  );
}

function serviceName(deploymentName: string): string {
  return deploymentName.startsWith(objectPrefix) ? deploymentName.slice(objectPrefix.length) : deploymentName;
}

/** The service a Deployment runs and its image: its first container's (the others are sidecars). */
function deploymentImage(object: KubeObject): [string, string] | undefined {
  if (object.kind !== "Deployment" || typeof object.metadata?.name !== "string") return undefined;
  const image = (object as DeploymentObject).spec?.template?.spec?.containers?.[0]?.image;
  return typeof image === "string" ? [serviceName(object.metadata.name), image] : undefined;
}

/**
 * Images of the Deployments in one manifest file, parsed. `history` reads thousands of these: only
 * the documents that name a Deployment are parsed.
 */
export function imagesInManifest(text: string): ServiceImages {
  if (!text.includes("Deployment")) return {};
  const images: Record<string, string> = {};
  for (const document of text.split(/^---[ \t]*$/m)) {
    if (!document.includes("Deployment")) continue;
    for (const object of objectsOf(document)) {
      const found = deploymentImage(object);
      if (found) images[found[0]] = found[1];
    }
  }
  return images;
}

export function imagesInManifests(files: ReadonlyMap<string, string>): ServiceImages {
  // Flux's own objects (e.g. the notifications' secret-sync pod) are not the stage's services.
  const texts = [...files].filter(([path]) => !isFluxFile(path)).map(([, text]) => text);
  return Object.assign({}, ...texts.map(imagesInManifest)) as ServiceImages;
}

/** The services whose image differs, by service name. */
export function imageChanges(before: ServiceImages, after: ServiceImages): ImageChange[] {
  if (before === after) return [];
  // history calls this once per commit: only the few changed names are sorted.
  const changed: string[] = [];
  for (const service in after) if (before[service] !== after[service]) changed.push(service);
  for (const service in before) if (!Object.hasOwn(after, service)) changed.push(service);
  return changed.sort().map((service) => ({ service, from: before[service], to: after[service] }));
}

/** An object a promotion changes, and the file of the stage's folder it is in. */
export type PromotedObject = Pick<ObjectChange, "object" | "change"> & { file: string };

function objectsByFile(files: ReadonlyMap<string, string>): Map<string, { file: string; object: KubeObject }> {
  const objects = new Map<string, { file: string; object: KubeObject }>();
  for (const [file, text] of files)
    for (const object of objectsOf(text)) objects.set(objectId(object), { file, object });
  return objects;
}

/** Which Kubernetes objects a change of a stage's folder adds, removes or changes (file layout ignored). */
export function objectChanges(
  before: ReadonlyMap<string, string>,
  after: ReadonlyMap<string, string>,
): PromotedObject[] {
  const old = objectsByFile(before);
  const next = objectsByFile(after);
  const objects = (map: typeof old) => [...map.values()].map((entry) => entry.object);
  return diffObjects(objects(old), objects(next)).map(({ object, change }) => ({
    change,
    object,
    file: (next.get(object) ?? old.get(object))!.file,
  }));
}
