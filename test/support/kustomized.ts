import { kustomizeFolders } from "../../src/validate/kustomized.ts";
import { testContext } from "./cli.ts";

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

/** The real kustomize build of a stage folder, read as its consumers read it (kustomize-json: sigs.k8s.io/yaml, YAML 1.1). */
export async function kustomized(root: string, dir: string): Promise<BuiltObject[]> {
  const output = (await kustomizeFolders(testContext(), root, [dir])).get(dir)!;
  if ("error" in output) throw new Error(`kustomize build ${dir}: ${output.error}`);
  return output.objects as BuiltObject[];
}

export function builtObject(objects: readonly BuiltObject[], kind: string, name: string): BuiltObject {
  const found = objects.find((object) => object.kind === kind && object.metadata.name === name);
  if (!found) throw new Error(`kustomize did not return ${kind}/${name}`);
  return found;
}
