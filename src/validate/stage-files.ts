import type { SourceFiles } from "../io/source-files.ts";
import type { KubeObject } from "../kube/object.ts";
import { kustomizationFileName } from "../render/stage.ts";
import { parseGeneratedStream, parseYamlStream, type DocumentCache, type YamlSource } from "../values/yaml-source.ts";
import type { ManifestObject } from "./finding.ts";

export interface StageFolder {
  fileNames: string[];
  objects: ManifestObject[];
  kustomization: ManifestObject | undefined;
}

/**
 * The objects of one file. When the file is byte for byte what was just rendered (`rendered`),
 * the rendered objects are taken as they are and the YAML is parsed only if a finding needs a
 * line number; otherwise the file is parsed now (malformed YAML: an input error naming the line).
 */
function fileObjects(
  file: string,
  text: string,
  rendered: readonly KubeObject[] | undefined,
  cache: DocumentCache,
): ManifestObject[] {
  if (!rendered)
    return parseYamlStream(file, text).map((source) => ({ file, object: source.value as KubeObject, source }));
  let generated: ((index: number) => YamlSource) | undefined;
  return rendered.map((object, index) => ({
    file,
    object,
    get source() {
      return (generated ??= parseGeneratedStream(file, text, cache))(index);
    },
  }));
}

/** Reads `clusters/<stage>/` as it is on disk. `rendered`: objects of the files known to equal their rendering. */
export function readStageFolder(
  files: SourceFiles,
  dir: string,
  rendered: ReadonlyMap<string, readonly KubeObject[]> = new Map(),
  cache: DocumentCache = new Map(),
): StageFolder {
  const fileNames = files.listFiles(dir);
  const objects: ManifestObject[] = [];
  let kustomization: ManifestObject | undefined;
  for (const name of fileNames.filter((file) => /\.ya?ml$/.test(file))) {
    const file = `${dir}/${name}`;
    for (const item of fileObjects(file, files.read(file) ?? "", rendered.get(file), cache)) {
      if (name === kustomizationFileName) kustomization = item;
      else objects.push(item);
    }
  }
  return { fileNames, objects, kustomization };
}
