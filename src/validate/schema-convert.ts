/**
 * Turns the Kubernetes OpenAPI (v2, as the apiserver serves it) and CRD schemas (OpenAPI v3
 * subsets) into plain JSON Schema that both `check` (ajv) and kubeconform validate the same way:
 * - strict: every object that lists its properties rejects any other (kubeconform's `-strict`
 *   schemas do the same), unless Kubernetes keeps unknown fields there;
 * - int-or-string and quantities accept both numbers and strings, as the apiserver does;
 * - descriptions, Kubernetes extensions and formats neither tool asserts alike are dropped.
 */
export type JsonSchema = { [key: string]: unknown };

const quantityDefinition = "io.k8s.apimachinery.pkg.api.resource.Quantity";
/** The only format both validators assert identically; others (int32, byte, …) are annotations. */
const assertedFormats = new Set(["date-time"]);

function isObject(value: unknown): value is JsonSchema {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function convertSchema(schema: JsonSchema): JsonSchema {
  if (schema.format === "int-or-string" || schema["x-kubernetes-int-or-string"] === true) {
    return { oneOf: [{ type: "string" }, { type: "integer" }] };
  }
  const converted: JsonSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === "description" || key.startsWith("x-") || key === "nullable" || key === "example" || key === "default")
      continue;
    if (key === "format" && !assertedFormats.has(String(value))) continue;
    if (key === "properties" && isObject(value)) {
      converted.properties = Object.fromEntries(
        Object.entries(value).map(([name, inner]) => [name, isObject(inner) ? convertSchema(inner) : inner]),
      );
    } else if ((key === "items" || key === "additionalProperties" || key === "not") && isObject(value)) {
      converted[key] = convertSchema(value);
    } else if ((key === "allOf" || key === "anyOf" || key === "oneOf") && Array.isArray(value)) {
      converted[key] = value.map((inner) => (isObject(inner) ? convertSchema(inner) : inner));
    } else {
      converted[key] = value;
    }
  }
  const keepsUnknown = schema["x-kubernetes-preserve-unknown-fields"] === true;
  if (isObject(schema.properties) && schema.additionalProperties === undefined && !keepsUnknown)
    converted.additionalProperties = false;
  if (schema.nullable === true && typeof converted.type === "string") converted.type = [converted.type, "null"];
  return converted;
}

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

export function apiVersionOf({ group, version }: Pick<GroupVersionKind, "group" | "version">): string {
  return group === "" ? version : `${group}/${version}`;
}

/** The key of a kind in the stored schemas, e.g. `apps/v1/Deployment` or `v1/Service`. */
export function kindKey(apiVersion: string, kind: string): string {
  return `${apiVersion}/${kind}`;
}

export interface KubernetesSchemas {
  /** `apiVersion/kind` → definition name. */
  kinds: Record<string, string>;
  definitions: Record<string, JsonSchema>;
}

/** The kinds and definitions of the apiserver's OpenAPI v2 document (`/openapi/v2`, `swagger.json`). */
export function convertOpenApi(openApi: { definitions: Record<string, JsonSchema> }): KubernetesSchemas {
  const kinds: Record<string, string> = {};
  const definitions: Record<string, JsonSchema> = {};
  for (const [name, definition] of Object.entries(openApi.definitions)) {
    definitions[name] =
      name === quantityDefinition ? { oneOf: [{ type: "string" }, { type: "number" }] } : convertSchema(definition);
    const gvks = definition["x-kubernetes-group-version-kind"];
    if (!Array.isArray(gvks)) continue;
    for (const gvk of gvks as GroupVersionKind[]) kinds[kindKey(apiVersionOf(gvk), gvk.kind)] = name;
  }
  return { kinds: sortedRecord(kinds), definitions: sortedRecord(definitions) };
}

export interface CrdVersionSchema {
  served: boolean;
  deprecated: boolean;
  schema: JsonSchema;
}

export interface CrdSchemas {
  name: string;
  group: string;
  kind: string;
  versions: Record<string, CrdVersionSchema>;
}

interface CrdObject {
  metadata?: { name?: string };
  spec?: {
    group?: string;
    names?: { kind?: string };
    versions?: { name: string; served?: boolean; deprecated?: boolean; schema?: { openAPIV3Schema?: JsonSchema } }[];
  };
}

/** The apiserver accepts apiVersion, kind and metadata on every custom resource, declared or not. */
function withObjectFields(schema: JsonSchema): JsonSchema {
  if (!isObject(schema.properties)) return schema;
  return {
    ...schema,
    properties: {
      apiVersion: { type: "string" },
      kind: { type: "string" },
      metadata: { type: "object" },
      ...schema.properties,
    },
  };
}

/** The schema of each version of a CustomResourceDefinition (apiextensions.k8s.io/v1). */
export function convertCrd(crd: CrdObject): CrdSchemas | undefined {
  const spec = crd.spec;
  if (!spec?.group || !spec.names?.kind || !Array.isArray(spec.versions)) return undefined;
  const versions: Record<string, CrdVersionSchema> = {};
  for (const version of spec.versions) {
    const schema = version.schema?.openAPIV3Schema;
    versions[version.name] = {
      served: version.served !== false,
      deprecated: version.deprecated === true,
      schema: schema ? withObjectFields(convertSchema(schema)) : { type: "object" },
    };
  }
  return {
    name: crd.metadata?.name ?? `${spec.names.kind}.${spec.group}`,
    group: spec.group,
    kind: spec.names.kind,
    versions,
  };
}

function sortedRecord<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Names of the definitions `schema` reaches through `#/definitions/…` references. */
export function reachableDefinitions(root: JsonSchema, definitions: Record<string, JsonSchema>): string[] {
  const seen = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (!isObject(value)) return;
    const ref = value.$ref;
    if (typeof ref === "string" && ref.startsWith("#/definitions/")) {
      const name = ref.slice("#/definitions/".length);
      if (!seen.has(name) && definitions[name]) {
        seen.add(name);
        visit(definitions[name]);
      }
    }
    Object.values(value).forEach(visit);
  };
  visit(root);
  return [...seen].sort();
}
