import { isDeepStrictEqual } from "node:util";
import { isPlainMap, objectId, type KubeObject } from "../kube/object.ts";

/** A step into a value: a map's key, a list's index, or a list item by its `name` (matchByName). */
export type DiffStep = string | number | { name: string };

/** One place where two values differ: `undefined` on the side that has nothing there. */
export interface ValueDifference {
  path: DiffStep[];
  before: unknown;
  after: unknown;
}

/** Lists whose items all carry a unique `name` are matched by name, so a reorder is no change. */
function namedItems(list: readonly unknown[]): Map<string, unknown> | undefined {
  if (list.length === 0 || !list.every((item) => isPlainMap(item) && typeof item.name === "string")) return undefined;
  const map = new Map(list.map((item) => [(item as { name: string }).name, item]));
  return map.size === list.length ? map : undefined;
}

/**
 * The one value diff: every deepest place where `before` and `after` differ, maps key by key (in
 * key order), lists item by item, or, with `matchByName`, by their items' names when all have one.
 */
export function valueDifferences(
  before: unknown,
  after: unknown,
  options: { matchByName: boolean },
  path: DiffStep[] = [],
): ValueDifference[] {
  if (before === undefined && after === undefined) return [];
  if (before !== undefined && after !== undefined) {
    if (isPlainMap(before) && isPlainMap(after) && !(before instanceof Date) && !(after instanceof Date)) {
      const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
      return keys.flatMap((key) => valueDifferences(before[key], after[key], options, [...path, key]));
    }
    if (Array.isArray(before) && Array.isArray(after)) {
      const left = options.matchByName ? namedItems(before) : undefined;
      const right = options.matchByName ? namedItems(after) : undefined;
      if (left && right) {
        const names = [...new Set([...left.keys(), ...right.keys()])];
        return names.flatMap((name) => valueDifferences(left.get(name), right.get(name), options, [...path, { name }]));
      }
      const length = Math.max(before.length, after.length);
      return Array.from({ length }, (_, index) =>
        valueDifferences(before[index], after[index], options, [...path, index]),
      ).flat();
    }
    if (isDeepStrictEqual(before, after)) return [];
  }
  return [{ path, before, after }];
}

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

/** `a.b[0].c`, `containers[name=x].image`. */
function pathText(path: readonly DiffStep[]): string {
  return path.reduce<string>((text, step) => {
    if (typeof step === "number") return `${text}[${step}]`;
    if (typeof step === "object") return `${text}[name=${step.name}]`;
    return text === "" ? step : `${text}.${step}`;
  }, "");
}

/** The field changes between two versions of a value (list items matched by name). */
export function diffValues(before: unknown, after: unknown): FieldChange[] {
  return valueDifferences(before, after, { matchByName: true }).map((difference): FieldChange => {
    const path = pathText(difference.path);
    if (difference.before === undefined) return { path, change: "added", after: difference.after };
    if (difference.after === undefined) return { path, change: "removed", before: difference.before };
    return { path, change: "changed", before: difference.before, after: difference.after };
  });
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
