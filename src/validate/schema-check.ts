import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import type { KeyPath } from "../values/yaml-source.ts";
import type { RawFinding, ManifestObject, RuleInfo } from "./finding.ts";
import type { SchemaIndex } from "./schema-store.ts";

// ajv-formats is CommonJS; its default export arrives wrapped under ESM.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ??
  addFormatsModule) as unknown as (ajv: Ajv, formats: string[]) => void;

export const schemaRule: RuleInfo = {
  id: "schema",
  category: "schema",
  severity: "error",
  summary: "every object is valid against the schema of its kind (Kubernetes OpenAPI or CRD), no unknown fields",
  hint: "fix the field named, or the values it is rendered from; `npx jore4-flux schemas update` if the pinned versions changed",
};

export const unknownKindRule: RuleInfo = {
  id: "schema-unknown-kind",
  category: "schema",
  severity: "error",
  summary: "every apiVersion/kind has a schema: Kubernetes built-in, a pinned CRD, or a CRD shipped in the stage",
  hint: "use an apiVersion the cluster serves, or add the kind's CustomResourceDefinition to manifests/",
};

/** Each definition is its own schema, so ajv compiles only the ones a kind reaches. */
const definitionId = (name: string) => `kubernetes:${name}`;

function withAbsoluteRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withAbsoluteRefs);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [
      key,
      key === "$ref" && typeof inner === "string"
        ? definitionId(inner.replace("#/definitions/", ""))
        : withAbsoluteRefs(inner),
    ]),
  );
}

/** Compiles each kind's schema once, on first use. */
export class SchemaValidator {
  private readonly ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(private readonly index: SchemaIndex) {
    addFormats(this.ajv, ["date-time"]);
    for (const [name, definition] of Object.entries(index.definitions))
      this.ajv.addSchema(withAbsoluteRefs(definition) as object, definitionId(name));
  }

  private validator(apiVersion: string, kind: string): ValidateFunction | undefined {
    const key = `${apiVersion}/${kind}`;
    const cached = this.compiled.get(key);
    if (cached) return cached;
    const entry = this.index.get(apiVersion, kind);
    if (!entry) return undefined;
    const validate = this.ajv.compile(withAbsoluteRefs(entry.schema) as object);
    this.compiled.set(key, validate);
    return validate;
  }

  /** Schema findings of one object: unknown kind, or every violation with its field path. */
  check(item: ManifestObject): { rule: RuleInfo; finding: RawFinding }[] {
    const { apiVersion, kind } = item.object;
    if (typeof apiVersion !== "string" || typeof kind !== "string") {
      return [{ rule: schemaRule, finding: { object: item, path: [], message: "apiVersion and kind are required" } }];
    }
    const validate = this.validator(apiVersion, kind);
    if (!validate) {
      const served = this.index.versionsOf(kind);
      const known = served.length > 0 ? `; ${kind} is served as ${served.join(", ")}` : "";
      return [
        {
          rule: unknownKindRule,
          finding: { object: item, path: ["apiVersion"], message: `no schema for ${kind} in ${apiVersion}${known}` },
        },
      ];
    }
    if (validate(item.object)) return [];
    return violations(validate.errors ?? []).map((finding) => ({
      rule: schemaRule,
      finding: { object: item, ...finding },
    }));
  }
}

function pointerPath(pointer: string): KeyPath {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((segment) => segment.replaceAll("~1", "/").replaceAll("~0", "~"))
    .map((segment) => (/^(0|[1-9][0-9]*)$/.test(segment) ? Number(segment) : segment));
}

function describe(error: ErrorObject): { path: KeyPath; message: string } {
  const path = pointerPath(error.instancePath);
  const params = error.params as Record<string, unknown>;
  if (error.keyword === "additionalProperties")
    return {
      path: [...path, String(params.additionalProperty)],
      message: `unknown field '${String(params.additionalProperty)}'`,
    };
  if (error.keyword === "required")
    return {
      path: [...path, String(params.missingProperty)],
      message: `required field '${String(params.missingProperty)}' is missing`,
    };
  if (error.keyword === "enum")
    return {
      path,
      message: `must be one of ${(params.allowedValues as unknown[]).map((value) => JSON.stringify(value)).join(", ")}`,
    };
  return { path, message: error.message ?? error.keyword };
}

/** One finding per field: alternatives (oneOf) that all failed are joined into one message. */
function violations(errors: readonly ErrorObject[]): { path: KeyPath; message: string }[] {
  const byPath = new Map<string, { path: KeyPath; messages: string[] }>();
  for (const error of errors) {
    if (error.keyword === "oneOf" || error.keyword === "anyOf" || error.keyword === "if") continue;
    const { path, message } = describe(error);
    const key = JSON.stringify(path);
    const entry = byPath.get(key) ?? { path, messages: [] };
    if (!entry.messages.includes(message)) entry.messages.push(message);
    byPath.set(key, entry);
  }
  return [...byPath.values()].map((entry) => ({ path: entry.path, message: entry.messages.join(" or ") }));
}
