import { stringify } from "yaml";

/**
 * YAML for Kubernetes readers. kustomize, kubectl, Flux and the CSI driver read YAML with YAML 1.1
 * rules (`yes`, `0777`, `1_000`, `1:20`, `2022-02-03`, `.inf`, `~` are not strings there), this
 * tool with YAML 1.2 ones: `compat: "yaml-1.1"` quotes every string that either would read as
 * something else, so every reader gets back the same string.
 */
const options = { lineWidth: 0, aliasDuplicateObjects: false, compat: "yaml-1.1" } as const;

type Scalar = string | number | boolean | null;

/** Scalars as yaml writes them after `key: `; a multi-line one also depends on the key's column. */
const scalars = new Map<string, string>();

/**
 * Strings yaml writes plain (as they are) with these options: a letter first, then name characters,
 * no ':' last, no bool or null word; not `e` and a digit, which yaml's YAML 1.1 floats match. A fast
 * path only: any other string is written by yaml (test/unit/kube-yaml.test.ts compares both).
 */
const plainString =
  /^(?![eE][-+]?[0-9])(?!(?:y|n|yes|no|on|off|true|false|null)$)[A-Za-z](?:[A-Za-z0-9_./:@=+%~-]*[A-Za-z0-9_./@=+%~-])?$/i;

function scalarText(value: Scalar, column: number): string {
  if (typeof value === "string" ? plainString.test(value) : Number.isSafeInteger(value) && !Object.is(value, -0))
    return String(value);
  const multiLine = typeof value === "string" && value.includes("\n");
  const key = `${multiLine ? column : ""}:${typeof value}:${String(value)}`;
  let text = scalars.get(key);
  if (text === undefined) {
    // Ask yaml itself, with the scalar under a key at this column, and keep what follows `k: `.
    let wrapped: unknown = { k: value };
    let prefix = `${" ".repeat(column)}k: `;
    for (let depth = column / 2 - 1; depth >= 0; depth -= 1) {
      wrapped = { k: wrapped };
      prefix = `${" ".repeat(depth * 2)}k:\n${prefix}`;
    }
    const full = stringify(wrapped, options);
    if (!full.startsWith(prefix)) throw new Unsupported();
    text = full.slice(prefix.length, -1);
    scalars.set(key, text);
  }
  return text;
}

/** A value this writer does not reproduce exactly: the whole document goes to yaml instead. */
class Unsupported extends Error {}

const isScalar = (value: unknown): value is Scalar =>
  value === null || typeof value === "string" || typeof value === "boolean" || typeof value === "number";

function entries(value: object): [string, unknown][] {
  if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null)
    throw new Unsupported();
  return Object.entries(value).filter(([, inner]) => inner !== undefined);
}

function keyText(key: string): string {
  if (key.includes("\n")) throw new Unsupported();
  return scalarText(key, 0);
}

/** What follows `key:` for a key at `column`. */
function afterKey(value: unknown, column: number, out: string[], line: string): void {
  if (isScalar(value)) return void out.push(`${line} ${scalarText(value, column)}`);
  if (Array.isArray(value)) {
    if (value.length === 0) return void out.push(`${line} []`);
    out.push(line);
    return sequence(value, column + 2, out);
  }
  if (typeof value !== "object") throw new Unsupported();
  const pairs = entries(value);
  if (pairs.length === 0) return void out.push(`${line} {}`);
  out.push(line);
  mapping(pairs, column + 2, out);
}

function mapping(pairs: [string, unknown][], column: number, out: string[], first = " ".repeat(column)): void {
  const indent = " ".repeat(column);
  pairs.forEach(([key, value], index) =>
    afterKey(value, column, out, `${index === 0 ? first : indent}${keyText(key)}:`),
  );
}

function sequence(items: readonly unknown[], column: number, out: string[], first = " ".repeat(column)): void {
  const indent = " ".repeat(column);
  items.forEach((item, index) => {
    const dash = `${index === 0 ? first : indent}- `;
    if (isScalar(item)) return void out.push(`${dash}${scalarText(item, column)}`);
    if (Array.isArray(item)) {
      if (item.length === 0) return void out.push(`${dash}[]`);
      return sequence(item, column + 2, out, dash);
    }
    if (item === undefined || typeof item !== "object") throw new Unsupported();
    const pairs = entries(item);
    if (pairs.length === 0) return void out.push(`${dash}{}`);
    mapping(pairs, column + 2, out, dash);
  });
}

/** The lines the direct writer writes for a non-empty map or list, undefined for what goes to yaml whole. */
function directLines(value: unknown): string[] | undefined {
  try {
    const out: string[] = [];
    if (Array.isArray(value) && value.length > 0) sequence(value, 0, out);
    else if (typeof value === "object" && value !== null && !Array.isArray(value) && entries(value).length > 0)
      mapping(entries(value), 0, out);
    else return undefined;
    return out;
  } catch (error) {
    if (!(error instanceof Unsupported)) throw error;
    return undefined;
  }
}

/**
 * The same text as yaml's `stringify` with the options above, written directly for the plain data
 * of Kubernetes objects (yaml builds a node tree first; this was most of `generate`'s time). Each
 * distinct scalar is still written by yaml, once; anything else goes to yaml whole.
 */
export function kubernetesYaml(value: unknown): string {
  const lines = directLines(value);
  return lines ? `${lines.join("\n")}\n` : stringify(value, options);
}

/** How many lines written lines span (a multi-line scalar is one entry, with its newlines). */
function lineCount(out: readonly string[]): number {
  let lines = out.length;
  for (const text of out) for (let at = text.indexOf("\n"); at !== -1; at = text.indexOf("\n", at + 1)) lines += 1;
  return lines;
}

/**
 * Where kubernetesYaml writes the deepest part of `path` that `value` has, as yaml's parse of the
 * text locates it (locatePath in src/values/yaml-source.ts): the line and column (1-based, in the
 * document) of a map entry's key or of a list item's first character. Counted from what the
 * entries before it write, so no YAML is parsed; undefined for a value written by yaml whole.
 */
export function kubernetesYamlPosition(
  value: unknown,
  path: readonly (string | number)[],
): { line: number; column: number } | undefined {
  if (!directLines(value)) return undefined;
  // Where the current node's entries start: its first line, and the column of its keys or dashes.
  let line = 1;
  let column = 0;
  let at = { line: 1, column: 1 };
  let node = value;
  for (const segment of path) {
    const before: string[] = [];
    if (Array.isArray(node)) {
      if (typeof segment !== "number" || !Number.isInteger(segment) || segment < 0 || segment >= node.length) break;
      sequence(node.slice(0, segment), column, before);
      line += lineCount(before);
      column += 2;
      at = { line, column: column + 1 };
      node = node[segment];
    } else if (typeof node === "object" && node !== null) {
      const pairs = entries(node);
      const index = pairs.findIndex(([key]) => key === String(segment));
      if (index === -1) break;
      mapping(pairs.slice(0, index), column, before);
      line += lineCount(before);
      at = { line, column: column + 1 };
      node = pairs[index]![1];
      // A non-empty map or list under a key starts on the next line, two columns in.
      line += 1;
      column += 2;
    } else break;
  }
  return at;
}
