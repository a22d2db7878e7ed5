import { isDeepStrictEqual } from "node:util";
import { parseAllDocuments } from "yaml";
import { isFluxFile } from "../render/stage.ts";
import { objectPrefix } from "../values/stage-rules.ts";

/** The image each service runs on a stage, by service name. */
export type ServiceImages = Readonly<Record<string, string>>;

export interface ImageChange {
  service: string;
  /** undefined: the service did not run before. */
  from: string | undefined;
  /** undefined: the service no longer runs. */
  to: string | undefined;
}

interface KubeObject {
  kind?: unknown;
  metadata?: { name?: unknown; namespace?: unknown };
  spec?: { template?: { spec?: { containers?: { image?: unknown }[] } } };
}

function objectsOf(text: string): KubeObject[] {
  return parseAllDocuments(text)
    .flatMap((document) => ("toJS" in document ? [document.toJS() as unknown] : []))
    .filter((value): value is KubeObject => typeof value === "object" && value !== null);
}

function serviceName(deploymentName: string): string {
  return deploymentName.startsWith(objectPrefix) ? deploymentName.slice(objectPrefix.length) : deploymentName;
}

function deploymentImage(object: KubeObject): [string, string] | undefined {
  const image = object.spec?.template?.spec?.containers?.[0]?.image;
  return object.kind === "Deployment" && typeof object.metadata?.name === "string" && typeof image === "string"
    ? [serviceName(object.metadata.name), image]
    : undefined;
}

const plainScalar = /^[^\s'"{}[\]&*!|>%@`#,]+$/;

/**
 * Reads a Deployment document in the block layout `generate` writes (name under metadata, first
 * `image:` of the containers) without a full YAML parse; anything else returns undefined.
 */
function scanDeployment(document: string): [string, string] | undefined {
  const name = /^metadata:\n(?:[ ]{2}.*\n)*?[ ]{2}name: (.+)$/m.exec(document)?.[1]?.trim();
  const image = /^[ ]{8,}(?:- )?image: (.+)$/m.exec(document)?.[1]?.trim();
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

export function imageChanges(before: ServiceImages, after: ServiceImages): ImageChange[] {
  const services = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return services
    .filter((service) => before[service] !== after[service])
    .map((service) => ({ service, from: before[service], to: after[service] }));
}

export interface ObjectChange {
  change: "added" | "removed" | "changed";
  /** `Kind namespace/name`. */
  object: string;
  file: string;
}

function objectsByKey(files: ReadonlyMap<string, string>): Map<string, { file: string; value: KubeObject }> {
  const objects = new Map<string, { file: string; value: KubeObject }>();
  for (const [file, text] of files) {
    for (const value of objectsOf(text)) {
      const namespace = typeof value.metadata?.namespace === "string" ? `${value.metadata.namespace}/` : "";
      objects.set(`${String(value.kind)} ${namespace}${String(value.metadata?.name)}`, { file, value });
    }
  }
  return objects;
}

/** Which Kubernetes objects a change of a stage's folder adds, removes or changes (file layout ignored). */
export function objectChanges(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): ObjectChange[] {
  const old = objectsByKey(before);
  const next = objectsByKey(after);
  const changes: ObjectChange[] = [];
  for (const [object, { file, value }] of next) {
    const previous = old.get(object);
    if (!previous) changes.push({ change: "added", object, file });
    else if (!isDeepStrictEqual(previous.value, value)) changes.push({ change: "changed", object, file });
  }
  for (const [object, { file }] of old) if (!next.has(object)) changes.push({ change: "removed", object, file });
  return changes.sort((a, b) => (a.object < b.object ? -1 : 1));
}
