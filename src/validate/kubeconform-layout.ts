import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { reachableDefinitions, type JsonSchema } from "./schema-convert.ts";
import type { KindSchema, SchemaIndex } from "./schema-index.ts";

/** kubeconform's `-schema-location` template for a folder written by `writeKubeconformSchemas`. */
export const kubeconformTemplate = (dir: string) => join(dir, "{{ .ResourceKind }}{{ .KindSuffix }}.json");

/** kubeconform's file name of a kind: kind, first label of the group, version (schemaPath in its registry). */
export function kubeconformFileName(apiVersion: string, kind: string): string {
  const [groupOrVersion, version] = apiVersion.split("/") as [string, string | undefined];
  const suffix =
    version === undefined
      ? `-${groupOrVersion.toLowerCase()}`
      : `-${groupOrVersion.split(".")[0]!.toLowerCase()}-${version.toLowerCase()}`;
  return `${kind.toLowerCase()}${suffix}.json`;
}

/** The kind's schema as one self-contained document: its definition, plus the definitions it reaches. */
export function standaloneSchema(entry: KindSchema, definitions: Record<string, JsonSchema>): JsonSchema {
  const ref = entry.schema.$ref;
  if (typeof ref !== "string") return entry.schema;
  const root = definitions[ref.slice("#/definitions/".length)] ?? {};
  const reached = reachableDefinitions(root, definitions);
  return { ...root, definitions: Object.fromEntries(reached.map((name) => [name, definitions[name]])) };
}

/**
 * Writes the stored schemas in the layout kubeconform reads offline (its standalone, strict
 * form), for the kinds named, so both tools validate against exactly the same schemas.
 */
export function writeKubeconformSchemas(
  dir: string,
  index: SchemaIndex,
  kinds: readonly { apiVersion: string; kind: string }[],
): string[] {
  mkdirSync(dir, { recursive: true });
  const written = new Map<string, string>();
  for (const { apiVersion, kind } of kinds) {
    const entry = index.get(apiVersion, kind);
    if (!entry) continue;
    const name = kubeconformFileName(apiVersion, kind);
    const owner = written.get(name);
    if (owner === `${apiVersion}/${kind}`) continue;
    if (owner) throw new Error(`kubeconform file name ${name} fits both ${owner} and ${apiVersion}/${kind}`);
    writeFileSync(join(dir, name), JSON.stringify(standaloneSchema(entry, index.definitions)));
    written.set(name, `${apiVersion}/${kind}`);
  }
  return [...written.keys()];
}
