import { invalidInput } from "../errors.ts";
import type { SourceFiles } from "../io/source-files.ts";
import { objectShapeProblems, type KubeObject } from "../kube/object.ts";
import { kustomizationFileName } from "../render/stage.ts";
import { locatePath, parseYamlStream, type YamlSource } from "../io/yaml-source.ts";
import type { ManifestObject } from "./finding.ts";

export interface StageFolder {
  fileNames: string[];
  objects: ManifestObject[];
  kustomization: ManifestObject | undefined;
}

/** An object parsed from a file, located in its parsed YAML. */
export function parsedObject(file: string, source: YamlSource): ManifestObject {
  return { file, object: source.value as KubeObject, locate: (path) => locatePath(source, path).location };
}

/**
 * The objects of one file. When the file is byte for byte what was just rendered (`rendered`),
 * the rendered objects are taken as they are, and the file is read and parsed only when a finding
 * needs a position in it; otherwise the file is read and parsed now (malformed YAML: an input
 * error naming the line).
 */
function fileObjects(file: string, read: () => string, rendered: readonly KubeObject[] | undefined): ManifestObject[] {
  if (!rendered) return parseYamlStream(file, read()).map((source) => parsedObject(file, source));
  let parsed: YamlSource[] | undefined;
  return rendered.map((object, index) => ({
    file,
    object,
    locate: (path) => locatePath((parsed ??= parseYamlStream(file, read()))[index]!, path).location,
  }));
}

/** Reads `clusters/<stage>/` as it is on disk. `rendered`: objects of the files known to equal their rendering. */
export function readStageFolder(
  files: SourceFiles,
  dir: string,
  rendered: ReadonlyMap<string, readonly KubeObject[]> = new Map(),
): StageFolder {
  const fileNames = files.listFiles(dir);
  const objects: ManifestObject[] = [];
  let kustomization: ManifestObject | undefined;
  for (const name of fileNames.filter((file) => /\.ya?ml$/.test(file))) {
    const file = `${dir}/${name}`;
    for (const item of fileObjects(file, () => files.read(file) ?? "", rendered.get(file))) {
      if (name === kustomizationFileName) kustomization = item;
      else objects.push(item);
    }
  }
  return { fileNames, objects, kustomization };
}
/** A stage folder's documents that are not Kubernetes objects (what every rule reads) are input errors, each located. */
export function refuseNonObjects(folder: StageFolder): void {
  const problems = folder.objects.flatMap((item) =>
    objectShapeProblems(item.object, (path) => item.locate(path), { dnsName: false }),
  );
  if (problems.length > 0) throw invalidInput(problems);
}
