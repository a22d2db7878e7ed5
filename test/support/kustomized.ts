import { parseAllDocuments } from "yaml";
import { kustomizeBuild } from "../../src/tools/run.ts";

export interface BuiltObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, unknown>;
    annotations?: Record<string, unknown>;
  };
  [key: string]: unknown;
}

/**
 * The real `kustomize build` of a stage folder, read the way its consumers (kubectl, Flux, the
 * apiserver's YAML decoding) read YAML: with YAML 1.1 rules.
 */
export async function kustomized(root: string, dir: string): Promise<BuiltObject[]> {
  const text = await kustomizeBuild(root, dir);
  return parseAllDocuments(text, { version: "1.1" }).map((document) => document.toJS() as BuiltObject);
}

export function builtObject(objects: readonly BuiltObject[], kind: string, name: string): BuiltObject {
  const found = objects.find((object) => object.kind === kind && object.metadata.name === name);
  if (!found) throw new Error(`kustomize did not return ${kind}/${name}`);
  return found;
}
