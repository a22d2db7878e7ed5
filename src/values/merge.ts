import type { Problem } from "../errors.ts";
import { isPlainMap, type PlainMap } from "../kube/object.ts";
import { locateInLayers, scalarText, type KeyPath, type YamlSource } from "../io/yaml-source.ts";

/**
 * The merge rules of values files, applied from the shared file to a stage's override:
 * - maps merge deeply, key by key;
 * - lists and scalars are replaced whole by the override;
 * - an explicit `null` in the override removes the key.
 */
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

export function serviceNamesOf(source: YamlSource): string[] {
  return isPlainMap(source.value) && isPlainMap(source.value.services) ? Object.keys(source.value.services) : [];
}

/** A stage may tune services of the shared file, not invent new ones. */
export function unknownServiceProblems(shared: YamlSource, override: YamlSource): Problem[] {
  const known = serviceNamesOf(shared);
  return serviceNamesOf(override)
    .filter((name) => !known.includes(name))
    .map((name) => ({
      location: locateInLayers([override], ["services", name]),
      path: `services.${name}`,
      message: `no service '${name}' in ${shared.file}: stage files may only override services declared there (${known.join(", ")})`,
    }));
}

/**
 * A values file's value with env values and local secret values as text: a number or boolean is
 * kept as the user wrote it (`VERSION: 1.10` stays "1.10", not "1.1"). A copy: the parse is not changed.
 */
function asWritten(source: YamlSource): unknown {
  const value = source.value;
  if (!isPlainMap(value) || !isPlainMap(value.services)) return value;
  const written = (path: KeyPath, scalar: unknown) =>
    typeof scalar === "number" || typeof scalar === "boolean" ? (scalarText(source, path) ?? String(scalar)) : scalar;
  const services = Object.fromEntries(
    Object.entries(value.services).map(([name, service]) => {
      if (!isPlainMap(service)) return [name, service];
      const copy: PlainMap = { ...service };
      if (isPlainMap(service.env))
        copy.env = Object.fromEntries(
          Object.entries(service.env).map(([key, env]) => [key, written(["services", name, "env", key], env)]),
        );
      if (isPlainMap(service.secrets))
        copy.secrets = Object.fromEntries(
          Object.entries(service.secrets).map(([file, secret]) => [
            file,
            isPlainMap(secret) && "local" in secret
              ? { ...secret, local: written(["services", name, "secrets", file, "local"], secret.local) }
              : secret,
          ]),
        );
      return [name, copy];
    }),
  );
  return { ...value, services };
}

/** The values of layered files (the shared file first), merged by the rules above, written text kept. */
export function mergeLayers(layers: readonly YamlSource[]): unknown {
  return layers.reduce<unknown>((merged, layer) => mergeValues(merged, asWritten(layer) ?? {}), {});
}
