import { kubernetesYaml } from "./yaml.ts";
import { ExitCode, Jore4FluxError, type Problem, type SourceLocation } from "../errors.ts";
import { dottedPath, parseYamlStream, type KeyPath } from "../io/yaml-source.ts";

/**
 * The one Kubernetes object vocabulary (its diff: src/diff/objects.ts): what render produces, check and
 * diff read, deploy applies and promotion compares.
 */

/** A Kubernetes object as plain data, ready to serialize. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; [key: string]: unknown };
  [key: string]: unknown;
}

/** A map of YAML or JSON: an object that is not a list. */
export type PlainMap = { [key: string]: unknown };

export function isPlainMap(value: unknown): value is PlainMap {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A deep copy without undefined fields. */
function withoutUndefined(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutUndefined);
  if (typeof value !== "object" || value === null) return value;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const inner = (value as Record<string, unknown>)[key];
    if (inner === undefined) continue;
    // An own "__proto__" key stays a key (as Object.fromEntries made it), not the prototype.
    if (key === "__proto__")
      Object.defineProperty(copy, key, {
        value: withoutUndefined(inner),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    else copy[key] = withoutUndefined(inner);
  }
  return copy;
}

/**
 * An object typed by its kubernetes-models interface (`plainObject<IDeployment>({...})`: the
 * models are types only, so no schema code loads at run time; `check` validates against the real
 * schemas) as plain data, its undefined fields left out.
 */
export function plainObject<Model extends { apiVersion: string; kind: string }>(model: Model): KubeObject {
  return withoutUndefined(model) as KubeObject;
}

/**
 * `Kind/namespace/name` (`Kind/name` when cluster-wide): how every command names an object, also
 * one read from a malformed file.
 */
export function objectId(object: Pick<KubeObject, "kind" | "metadata">): string {
  const namespace = object.metadata?.namespace ? `${object.metadata.namespace}/` : "";
  return `${object.kind}/${namespace}${object.metadata?.name ?? "(no name)"}`;
}

/** `kind.group` of an object, the way kubectl names a resource type unambiguously. */
export function resourceType(object: Pick<KubeObject, "apiVersion" | "kind">): string {
  const group = object.apiVersion.includes("/") ? `.${object.apiVersion.split("/")[0]}` : "";
  return `${object.kind.toLowerCase()}${group}`;
}

const manifestName = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/**
 * What every reader of a manifest needs of a document: a map with apiVersion, kind and
 * metadata.name, each a string; a manifest's name is also a DNS subdomain name (`dnsName`).
 * Problems are located by `locate`.
 */
export function objectShapeProblems(
  value: unknown,
  locate: (path: KeyPath) => SourceLocation | undefined,
  { dnsName }: { dnsName: boolean },
): Problem[] {
  const problem = (path: KeyPath, message: string): Problem => ({
    location: locate(path),
    path: dottedPath(path),
    message,
  });
  if (!isPlainMap(value)) return [problem([], "a manifest must be a Kubernetes object (a map)")];
  const problems: Problem[] = [];
  for (const key of ["apiVersion", "kind"]) {
    if (typeof value[key] !== "string" || value[key] === "")
      problems.push(problem([key], "required field is missing (expected string)"));
  }
  const metadata = value.metadata;
  if (!isPlainMap(metadata) || typeof metadata.name !== "string")
    problems.push(problem(["metadata", "name"], "required field is missing (expected string)"));
  else if (dnsName && !manifestName.test(metadata.name))
    problems.push(problem(["metadata", "name"], "must be a DNS subdomain name"));
  return problems;
}

/**
 * The objects of a YAML stream (read as every manifest reader reads one, src/io/yaml-source.ts);
 * malformed YAML, or a document that is no object (no kind or name), is an error naming `origin`.
 */
export function parseObjects(text: string, origin: string): KubeObject[] {
  return parseYamlStream(origin, text).flatMap((source) => {
    const value = source.value as KubeObject | null;
    if (value === null) return [];
    if (typeof value.kind !== "string" || typeof value.metadata?.name !== "string") {
      throw new Jore4FluxError(`${origin}: a document without kind or metadata.name`, { exitCode: ExitCode.invalid });
    }
    return [value];
  });
}

export function objectsText(objects: readonly KubeObject[]): string {
  return objects.map(kubernetesYaml).join("---\n");
}

/** The objects of kubectl's JSON output: a List's items, or the one object printed. */
export function items<T = KubeObject>(text: string): T[] {
  const parsed = JSON.parse(text || "{}") as { kind?: string; items?: T[] };
  return parsed.kind === "List" || Array.isArray(parsed.items)
    ? (parsed.items ?? [])
    : text.trim()
      ? [parsed as T]
      : [];
}
