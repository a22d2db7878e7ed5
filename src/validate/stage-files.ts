import { invalidInput } from "../errors.ts";
import type { SourceFiles } from "../io/source-files.ts";
import type { KubeObject } from "../kube/object.ts";
import { kubernetesYamlPosition } from "../kube/yaml.ts";
import { kustomizationFileName } from "../render/stage.ts";
import { objectShapeProblems } from "../values/load.ts";
import { locatePath, parseYamlStream, type YamlSource } from "../values/yaml-source.ts";
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
 * The first line of each document of a file as `generate` writes it: comment lines, then `---`
 * and one document each (no other line is `---`).
 */
export function documentLines(text: string): number[] {
  const lines: number[] = [];
  let line = 1;
  for (let at = 0; at < text.length; line += 1) {
    const end = text.indexOf("\n", at);
    if (end === at + 3 && text.startsWith("---", at)) lines.push(line + 1);
    if (end === -1) break;
    at = end + 1;
  }
  return lines;
}

/** Positions of paths inside rendered objects' documents, by object and path: stages share the objects of services they share. */
export type PositionCache = WeakMap<KubeObject, Map<string, { line: number; column: number } | undefined>>;

/**
 * The objects of one file. When the file is byte for byte what was just rendered (`rendered`),
 * the rendered objects are taken as they are and a finding's line is counted from how they are
 * written, no YAML parsed (and the file read only then); otherwise the file is read and parsed now
 * (malformed YAML: an input error naming the line).
 */
function fileObjects(
  file: string,
  read: () => string,
  rendered: readonly KubeObject[] | undefined,
  positions: PositionCache,
  knownStarts: readonly number[] | undefined,
): ManifestObject[] {
  if (!rendered) return parseYamlStream(file, read()).map((source) => parsedObject(file, source));
  let fileText: string | undefined;
  const text = () => (fileText ??= read());
  let starts = knownStarts;
  let parsed: YamlSource[] | undefined;
  return rendered.map((object, index) => ({
    file,
    object,
    locate(path) {
      const byPath = positions.get(object) ?? positions.set(object, new Map()).get(object)!;
      const key = JSON.stringify(path);
      if (!byPath.has(key)) byPath.set(key, kubernetesYamlPosition(object, path));
      const at = byPath.get(key);
      // An object yaml wrote whole (kubernetesYaml's fallback) is located in the parsed file.
      if (!at) return locatePath((parsed ??= parseYamlStream(file, text()))[index]!, path).location;
      return { file, line: (starts ??= documentLines(text()))[index]! - 1 + at.line, column: at.column };
    },
  }));
}

/**
 * Reads `clusters/<stage>/` as it is on disk. `rendered`: objects of the files known to equal
 * their rendering; `starts`: the first line of each document of such files (documentLines), when
 * counted already.
 */
export function readStageFolder(
  files: SourceFiles,
  dir: string,
  rendered: ReadonlyMap<string, readonly KubeObject[]> = new Map(),
  positions: PositionCache = new WeakMap(),
  starts: ReadonlyMap<string, readonly number[]> = new Map(),
): StageFolder {
  const fileNames = files.listFiles(dir);
  const objects: ManifestObject[] = [];
  let kustomization: ManifestObject | undefined;
  for (const name of fileNames.filter((file) => /\.ya?ml$/.test(file))) {
    const file = `${dir}/${name}`;
    for (const item of fileObjects(
      file,
      () => files.read(file) ?? "",
      rendered.get(file),
      positions,
      starts.get(file),
    )) {
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
