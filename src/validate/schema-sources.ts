import type { Context } from "../context.ts";
import { createHash } from "node:crypto";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { yamlStreamValues } from "../io/yaml-source.ts";
import { kubernetesVersion } from "../tools/catalog.ts";
import { composeGo, fluxControllers, moduleDir, secretsStoreCsiDriver, type ModulePin } from "../tools/go-modules.ts";
import { convertCrd, convertOpenApi, type JsonSchema } from "./schema-convert.ts";

/**
 * Where the stored schemas come from, pinned: the OpenAPI document of the Kubernetes release the
 * tools build (the same `swagger.json` kube-apiserver serves at /openapi/v2), and the CRDs of
 * the Flux controllers and the Secrets Store CSI driver, all read from their Go modules.
 * `npm run schemas:update` (`jore4-flux schemas update`) regenerates `schemas/` from them.
 */
export interface ModuleSource extends ModulePin {
  /** Files inside the module: the OpenAPI document, or a folder of CRD YAML. */
  path: string;
}

export const openApiSource: ModuleSource = {
  module: "k8s.io/kubernetes",
  version: kubernetesVersion,
  path: "api/openapi-spec/swagger.json",
};

export const crdSources: readonly ModuleSource[] = [
  ...fluxControllers.map((pin) => ({ ...pin, path: "config/crd/bases" })),
  { ...secretsStoreCsiDriver, path: "config/crd/bases" },
];

/** Stored as it is: the compose bundle's tests validate against it with ajv. */
export const composeSpecSource: ModuleSource = { ...composeGo, path: "schema/compose-spec.json" };
export const composeSpecFile = "compose-spec.json";

export const kubernetesSchemaFile = `kubernetes-${kubernetesVersion}.json`;
export const crdSchemaDir = "crds";

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
const jsonText = (value: unknown) => `${JSON.stringify(value)}\n`;

export interface GeneratedSchemas {
  files: { path: string; text: string }[];
}

/** Reads every pinned source and returns the files of `schemas/` (without writing them). */
export async function collectSchemas(context: Context): Promise<GeneratedSchemas> {
  const progress = (line: string) => context.stderr.write(`${line}\n`);
  const files: { path: string; text: string }[] = [];
  const provenance: Record<string, unknown>[] = [];
  progress(`reading ${openApiSource.module}@${openApiSource.version}/${openApiSource.path}`);
  const openApiText = readFileSync(join(await moduleDir(context, openApiSource), openApiSource.path), "utf8");
  const kubernetes = convertOpenApi(JSON.parse(openApiText) as { definitions: Record<string, JsonSchema> });
  files.push({ path: kubernetesSchemaFile, text: jsonText(kubernetes) });
  provenance.push({ ...openApiSource, sha256: sha256(openApiText), output: kubernetesSchemaFile });
  for (const source of crdSources) {
    progress(`reading CRDs of ${source.module}@${source.version}`);
    const dir = join(await moduleDir(context, source), source.path);
    for (const name of readdirSync(dir)
      .filter((file) => file.endsWith(".yaml"))
      .sort()) {
      const text = readFileSync(join(dir, name), "utf8");
      for (const document of yamlStreamValues(text)) {
        const crd = convertCrd(document as Parameters<typeof convertCrd>[0]);
        if (!crd) continue;
        const output = `${crdSchemaDir}/${crd.name}.json`;
        files.push({ path: output, text: jsonText(crd) });
        provenance.push({ ...source, path: `${source.path}/${name}`, sha256: sha256(text), output });
      }
    }
  }
  progress(`reading ${composeSpecSource.module}@${composeSpecSource.version}/${composeSpecSource.path}`);
  const composeText = readFileSync(join(await moduleDir(context, composeSpecSource), composeSpecSource.path), "utf8");
  files.push({ path: composeSpecFile, text: composeText });
  provenance.push({ ...composeSpecSource, sha256: sha256(composeText), output: composeSpecFile });
  files.push({ path: "sources.json", text: `${JSON.stringify(provenance, null, 2)}\n` });
  return { files };
}

/** Replaces the generated files of `dir` (the README stays). */
