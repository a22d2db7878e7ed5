import type { SourceFiles } from "../io/source-files.ts";
import type { KubeObject } from "../render/kube-object.ts";
import { kustomizationFileName } from "../render/stage.ts";
import { parseYamlStream } from "../values/yaml-source.ts";
import type { ManifestObject } from "./finding.ts";

export interface StageFolder {
  fileNames: string[];
  objects: ManifestObject[];
  kustomization: ManifestObject | undefined;
}

/** Reads `clusters/<stage>/` as it is: malformed YAML is an input error naming file and line. */
export function readStageFolder(files: SourceFiles, dir: string): StageFolder {
  const fileNames = files.listFiles(dir);
  const objects: ManifestObject[] = [];
  let kustomization: ManifestObject | undefined;
  for (const name of fileNames.filter((file) => /\.ya?ml$/.test(file))) {
    const file = `${dir}/${name}`;
    for (const source of parseYamlStream(file, files.read(file) ?? "")) {
      const item = { file, object: source.value as KubeObject, source };
      if (name === kustomizationFileName) kustomization = item;
      else objects.push(item);
    }
  }
  return { fileNames, objects, kustomization };
}
