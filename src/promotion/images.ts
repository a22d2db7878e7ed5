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

function deploymentImage(object: KubeObject): [string, string] | undefined {
  const spec = object.spec as { template?: { spec?: { containers?: { image?: unknown }[] } } } | undefined;
  const image = spec?.template?.spec?.containers?.[0]?.image;
  return object.kind === "Deployment" && typeof object.metadata?.name === "string" && typeof image === "string"
    ? [serviceName(object.metadata.name), image]
    : undefined;
}

const plainScalar = /^[^\s'"{}[\]&*!|>%@`#,]+$/;

const imageLine = /[ ]{8,}(?:- )?image: (.+)/y;

/** The first `image: …` line indented as a container's (found by its key, not a scan of every line). */
function containerImage(document: string): string | undefined {
  for (let at = document.indexOf("image: "); at >= 0; at = document.indexOf("image: ", at + 1)) {
    imageLine.lastIndex = document.lastIndexOf("\n", at) + 1;
    const match = imageLine.exec(document);
    if (match) return match[1]!.trim();
  }
  return undefined;
}

/**
 * Reads a Deployment document in the block layout `generate` writes (name under metadata, first
 * `image:` of the containers) without a full YAML parse; anything else returns undefined.
 */
function scanDeployment(document: string): [string, string] | undefined {
  const name = /^metadata:\n(?:[ ]{2}.*\n)*?[ ]{2}name: (.+)$/m.exec(document)?.[1]?.trim();
  const image = containerImage(document);
  if (!name || !image || !plainScalar.test(name) || !plainScalar.test(image)) return undefined;
  return [serviceName(name), image];
}

/**
 * Images of the Deployments in one manifest file (the first container is the service's image).
 * `history` reads thousands of these: generated files are scanned, anything unusual is parsed.
 */
export function imagesInManifest(text: string): ServiceImages {
  if (!text.includes("Deployment")) return {};
  const images: Record<string, string> = {};
  for (const document of text.split(/^---[ \t]*$/m)) {
    if (!/^kind:[ ]*Deployment[ ]*$/m.test(document)) continue;
    const found =
      scanDeployment(document) ??
      objectsOf(document)
        .map(deploymentImage)
        .find((pair) => pair !== undefined);
    if (found) images[found[0]] = found[1];
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
