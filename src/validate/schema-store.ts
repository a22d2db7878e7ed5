import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { convertCrd, kindKey, apiVersionOf, type CrdSchemas, type KubernetesSchemas } from "./schema-convert.ts";
import { SchemaIndex } from "./schema-index.ts";
import type { Store } from "../store/store.ts";
import { packageRoot } from "../tools/paths.ts";
import { compiledValidatorsSource, loadCompiledValidators, type CompiledValidators } from "./schema-check.ts";
import { crdSchemaDir, kubernetesSchemaFile } from "./schema-sources.ts";

/** The validators of every stored kind, compiled ahead by `schemas update` (see compiledValidatorsSource). */
export const compiledValidatorsFile = "validators.cjs";

/** What compiled validators are checked against: the stored schema texts, Kubernetes first, then the CRDs by name. */
export function schemaDigest(texts: readonly string[]): string {
  const hash = createHash("sha256");
  for (const text of texts) hash.update(`${text.length}\n${text}`);
  return hash.digest("hex");
}

/** The schemas shipped in `schemas/` (committed; `check` reads nothing from the network). */
export const storedSchemaDir = join(packageRoot, "schemas");

export interface SchemaSet {
  kubernetes: KubernetesSchemas;
  crds: CrdSchemas[];
  /** Validators compiled ahead for these schemas, by `apiVersion/kind` (absent: compiled when used). */
  compiled?: CompiledValidators;
  /** Keeps V8's code of the compiled validators in the store, after a check used them (no-op without). */
  keepCompiledCode?(): void;
}

/** The stored schemas; with a store, the compiled validators run with V8's code kept there. */
export function loadStoredSchemas(store?: Store, dir: string = storedSchemaDir): SchemaSet {
  const kubernetesText = readFileSync(join(dir, kubernetesSchemaFile), "utf8");
  const crdTexts = readdirSync(join(dir, crdSchemaDir))
    .filter((name) => name.endsWith(".json"))
    .sort()
    .map((name) => readFileSync(join(dir, crdSchemaDir, name), "utf8"));
  const compiled = loadCompiledValidators(
    join(dir, compiledValidatorsFile),
    schemaDigest([kubernetesText, ...crdTexts]),
    store,
  );
  return {
    kubernetes: JSON.parse(kubernetesText) as KubernetesSchemas,
    crds: crdTexts.map((text) => JSON.parse(text) as CrdSchemas),
    ...(compiled ? { compiled: compiled.validators, keepCompiledCode: compiled.keepCode } : {}),
  };
}

/** schemas/validators.cjs for the other generated files of schemas/ (paths relative to it), as loadStoredSchemas reads them. */
export function compiledValidatorsFileFor(files: readonly { path: string; text: string }[]): {
  path: string;
  text: string;
} {
  const text = (path: string) => files.find((file) => file.path === path)?.text ?? "";
  const crdTexts = files
    .filter((file) => file.path.startsWith(`${crdSchemaDir}/`) && file.path.endsWith(".json"))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map((file) => file.text);
  const texts = [text(kubernetesSchemaFile), ...crdTexts];
  const index = new SchemaIndex({
    kubernetes: JSON.parse(texts[0]!) as KubernetesSchemas,
    crds: crdTexts.map((crd) => JSON.parse(crd) as CrdSchemas),
  });
  return { path: compiledValidatorsFile, text: compiledValidatorsSource(index, schemaDigest(texts)) };
}

/** Adds the CRDs a stage ships itself (objects of kind CustomResourceDefinition). */
export function withCrdObjects(set: SchemaSet, objects: readonly unknown[]): SchemaSet {
  const own = objects
    .filter(
      (object): object is Record<string, unknown> =>
        typeof object === "object" &&
        object !== null &&
        (object as { kind?: unknown }).kind === "CustomResourceDefinition",
    )
    .map((object) => convertCrd(object as Parameters<typeof convertCrd>[0]))
    .filter((crd): crd is CrdSchemas => crd !== undefined);
  if (own.length === 0) return set;
  // A kind the stage defines itself is validated against its own CRD, not a validator compiled ahead.
  const ownKinds = new Set(
    own.flatMap((crd) =>
      Object.keys(crd.versions).map((version) => kindKey(apiVersionOf({ group: crd.group, version }), crd.kind)),
    ),
  );
  const compiled = set.compiled && new Map([...set.compiled].filter(([key]) => !ownKinds.has(key)));
  return { ...set, crds: [...set.crds, ...own], ...(compiled ? { compiled } : {}) };
}
