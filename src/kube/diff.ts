import { isPlainMap } from "./object.ts";
import { objectId, type KubeObject } from "./object.ts";

/** One field that differs between two versions of an object. */
export interface FieldChange {
  /** e.g. `spec.template.spec.containers[name=jore4-auth-image].image`. */
  path: string;
  change: "added" | "removed" | "changed";
  before?: unknown;
  after?: unknown;
}

/** The one object change type: what diff, check, deploy and promotion report per object. */
export interface ObjectChange {
  /** `objectId`: `Kind/namespace/name` (the apiVersion may change between the two sides). */
  object: string;
  /** `unchanged` only when asked for (deploy lists every object it applies). */
  change: "added" | "removed" | "changed" | "unchanged";
  fields: FieldChange[];
}

/** Lists whose items all carry a unique `name` are matched by name, so a reorder is no change. */
function namedItems(list: readonly unknown[]): Map<string, unknown> | undefined {
  if (list.length === 0 || !list.every((item) => isPlainMap(item) && typeof item.name === "string")) return undefined;
  const map = new Map(list.map((item) => [(item as { name: string }).name, item]));
  return map.size === list.length ? map : undefined;
}

function join(path: string, key: string): string {
  return path === "" ? key : `${path}.${key}`;
}

export function diffValues(before: unknown, after: unknown, path = ""): FieldChange[] {
  if (before === undefined && after === undefined) return [];
  if (before === undefined) return [{ path, change: "added", after }];
  if (after === undefined) return [{ path, change: "removed", before }];
  if (isPlainMap(before) && isPlainMap(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((key) => diffValues(before[key], after[key], join(path, key)));
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const left = namedItems(before);
    const right = namedItems(after);
    if (left && right) {
      const names = [...new Set([...left.keys(), ...right.keys()])];
      return names.flatMap((name) => diffValues(left.get(name), right.get(name), `${path}[name=${name}]`));
    }
    const length = Math.max(before.length, after.length);
    return Array.from({ length }, (_, index) => diffValues(before[index], after[index], `${path}[${index}]`)).flat();
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [{ path, change: "changed", before, after }];
}

/** The object-by-object, field-by-field difference of two sets of objects (matched by `objectId`). */
export function diffObjects(
  before: readonly KubeObject[],
  after: readonly KubeObject[],
  options: { unchanged?: boolean } = {},
): ObjectChange[] {
  const left = new Map(before.map((object) => [objectId(object), object]));
  const right = new Map(after.map((object) => [objectId(object), object]));
  const keys = [...new Set([...left.keys(), ...right.keys()])].sort();
  return keys.flatMap((key): ObjectChange[] => {
    const a = left.get(key);
    const b = right.get(key);
    if (!a) return [{ object: key, change: "added", fields: [] }];
    if (!b) return [{ object: key, change: "removed", fields: [] }];
    const fields = diffValues(a, b);
    if (fields.length > 0) return [{ object: key, change: "changed", fields }];
    return options.unchanged ? [{ object: key, change: "unchanged", fields }] : [];
  });
}

/** Drops the fields `expected` names (object → field paths); objects left with no change go too. */
export function withoutExpected(
  changes: readonly ObjectChange[],
  expected: ReadonlyMap<string, ReadonlySet<string>>,
): ObjectChange[] {
  return changes.flatMap((change) => {
    if (change.change !== "changed") return [change];
    const skip = expected.get(change.object);
    const fields = skip ? change.fields.filter((field) => !skip.has(field.path)) : change.fields;
    return fields.length > 0 ? [{ ...change, fields }] : [];
  });
}

export function changedPaths(changes: readonly ObjectChange[]): Map<string, Set<string>> {
  return new Map(changes.map((change) => [change.object, new Set(change.fields.map((field) => field.path))]));
}
