import { kustomizeBuild } from "../../src/tools/run.ts";
import { readKustomizeOutput } from "../../src/validate/kustomized.ts";
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

/** The real `kustomize build` of a stage folder, read as its consumers read it (YAML 1.1). */
export async function kustomized(root: string, dir: string): Promise<BuiltObject[]> {
  return readKustomizeOutput(await kustomizeBuild(testContext(), root, dir)) as BuiltObject[];
}

export function builtObject(objects: readonly BuiltObject[], kind: string, name: string): BuiltObject {
  const found = objects.find((object) => object.kind === kind && object.metadata.name === name);
  if (!found) throw new Error(`kustomize did not return ${kind}/${name}`);
  return found;
}
