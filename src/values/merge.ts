/**
 * The merge rules of values files, applied from the shared file to a stage's override:
 * - maps merge deeply, key by key;
 * - lists and scalars are replaced whole by the override;
 * - an explicit `null` in the override removes the key.
 */
export type PlainMap = { [key: string]: unknown };

export function isPlainMap(value: unknown): value is PlainMap {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function mergeValues(base: unknown, override: unknown): unknown {
  if (override === undefined) return base;
  if (!isPlainMap(override)) return override;
  // A map replacing a non-map starts empty, so its own nulls are dropped too.
  const merged: PlainMap = isPlainMap(base) ? { ...base } : {};
  for (const [key, value] of Object.entries(override)) {
    if (value === null) delete merged[key];
    else merged[key] = mergeValues(merged[key], value);
  }
  return merged;
}
