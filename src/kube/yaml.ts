import { Document, stringify } from "yaml";

/**
 * YAML for Kubernetes readers. kustomize, kubectl, Flux and the CSI driver read YAML with YAML 1.1
 * rules (`yes`, `0777`, `1_000`, `1:20`, `2022-02-03`, `.inf`, `~` are not strings there), this
 * tool with YAML 1.2 ones: `compat: "yaml-1.1"` quotes every string that either would read as
 * something else, so every reader gets back the same string.
 */
const options = { lineWidth: 0, aliasDuplicateObjects: false, compat: "yaml-1.1" } as const;

type Scalar = string | number | boolean | null;

/** Character codes of the name characters (letters, digits, `_./:@=+%~-`). */
const nameCharacter = new Uint8Array(128);
for (const character of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_./:@=+%~-")
  nameCharacter[character.charCodeAt(0)] = 1;
const isLetter = (code: number) => (code | 32) >= 97 && (code | 32) <= 122;
const isDigit = (code: number) => code >= 48 && code <= 57;
const boolOrNull = new Set(["y", "n", "yes", "no", "on", "off", "true", "false", "null"]);

/**
 * Strings yaml writes plain (as they are) with these options: a letter first, then name characters,
 * no ':' last, no bool or null word (any case); not `e` and a digit, which yaml's YAML 1.1 floats
 * match. A fast path only: any other string is written by yaml. Compared with yaml's own output by
 * test/unit/kube-yaml.test.ts (a fixed-seed fuzz and every rendered object), except the `e` + sign +
 * digit branch, which that fuzz never makes: test/unit/small-edges.test.ts compares it.
 */
function isPlainString(text: string): boolean {
  const length = text.length;
  const first = text.charCodeAt(0);
  if (length === 0 || !isLetter(first)) return false;
  if ((first | 32) === 101 && length > 1) {
    const next = text.charCodeAt(1);
    if (isDigit(next) || ((next === 43 || next === 45) && length > 2 && isDigit(text.charCodeAt(2)))) return false;
  }
  if (!nameCharactersFrom(text, 1)) return false;
  if (text.charCodeAt(length - 1) === 58) return false;
  return length > 5 || !boolOrNull.has(text.toLowerCase());
}

/** Whether every character of `text` from `start` on is a name character. */
function nameCharactersFrom(text: string, start: number): boolean {
  for (let index = start; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code >= 128 || nameCharacter[code] === 0) return false;
  }
  return true;
}

/**
 * The tests of the tags by which yaml would read a plain scalar as something other than a string
 * (YAML 1.2's core schema, and YAML 1.1's for `compat`): yaml's own, as it applies them when it
 * writes a string.
 */
let otherTypeTests: RegExp[] | undefined;

function readsAsOtherType(text: string): boolean {
  // Made on first use: a command that writes no YAML (a standing generate --check) makes no schema.
  otherTypeTests ??= (() => {
    const { tags, compat } = new Document(null, options).schema;
    return [...tags, ...(compat ?? [])].flatMap((tag) =>
      tag.default && tag.tag !== "tag:yaml.org,2002:str" && "test" in tag && tag.test ? [tag.test] : [],
    );
  })();
  return otherTypeTests.some((test) => test.test(text));
}

/**
 * How yaml writes the other strings of name characters only (undefined for any other string, or one
 * a document marker starts): plain (`1Gi`, `/healthz`, `./clusters/dev`, `-v`) when no indicator
 * starts it, no ':' ends it and none of the schema's tags reads it as another type, else in double
 * quotes (`"60"`, `"true"`, `""`), where none of these characters is escaped. Decided here, without
 * building a document for the string.
 */
function nameStringText(text: string): string | undefined {
  // A document marker first: yaml's choice depends on where the string is.
  if (text.startsWith("---") || text.startsWith("...") || !nameCharactersFrom(text, 0)) return undefined;
  const plain =
    text.length > 0 &&
    text !== "-" &&
    !text.startsWith("%") &&
    !text.startsWith("@") &&
    !text.endsWith(":") &&
    !readsAsOtherType(text);
  return plain ? text : `"${text}"`;
}

/** Asks yaml itself, with the scalar under a key at this column, and keeps what follows `k: `. */
function yamlScalar(value: Scalar, column: number): string {
  let wrapped: unknown = { k: value };
  let prefix = `${" ".repeat(column)}k: `;
  for (let depth = column / 2 - 1; depth >= 0; depth -= 1) {
    wrapped = { k: wrapped };
    prefix = `${" ".repeat(depth * 2)}k:\n${prefix}`;
  }
  const full = stringify(wrapped, options);
  if (!full.startsWith(prefix)) throw new Unsupported();
  return full.slice(prefix.length, -1);
}

function scalarText(value: Scalar, column: number): string {
  if (typeof value === "string")
    return isPlainString(value) ? value : (nameStringText(value) ?? yamlScalar(value, column));
  if (typeof value === "boolean" || (typeof value === "number" && Number.isSafeInteger(value) && !Object.is(value, -0)))
    return String(value);
  return yamlScalar(value, column);
}

/** A value this writer does not reproduce exactly: the whole document goes to yaml instead. */
class Unsupported extends Error {}

const isScalar = (value: unknown): value is Scalar =>
  value === null || typeof value === "string" || typeof value === "boolean" || typeof value === "number";

const indent = (column: number) => " ".repeat(column);

type PlainMap = Record<string, unknown>;

/** The keys of a map that are written (those with a value); a map that is not plain data goes to yaml whole. */
function writtenKeys(value: object): string[] {
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) throw new Unsupported();
  const keys = Object.keys(value);
  for (const key of keys)
    if ((value as PlainMap)[key] === undefined) return keys.filter((name) => (value as PlainMap)[name] !== undefined);
  return keys;
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
  const keys = writtenKeys(value);
  if (keys.length === 0) return void out.push(`${line} {}`);
  out.push(line);
  mapping(value as PlainMap, keys, column + 2, out);
}

function mapping(map: PlainMap, keys: readonly string[], column: number, out: string[], first = indent(column)): void {
  const pad = indent(column);
  for (let index = 0; index < keys.length; index += 1) {
    const key = keys[index]!;
    afterKey(map[key], column, out, `${index === 0 ? first : pad}${keyText(key)}:`);
  }
}

function sequence(items: readonly unknown[], column: number, out: string[], first = indent(column)): void {
  const pad = indent(column);
  for (let index = 0; index < items.length; index += 1) {
    const item = items[index];
    const dash = `${index === 0 ? first : pad}- `;
    if (isScalar(item)) {
      out.push(`${dash}${scalarText(item, column)}`);
      continue;
    }
    if (Array.isArray(item)) {
      if (item.length === 0) out.push(`${dash}[]`);
      else sequence(item, column + 2, out, dash);
      continue;
    }
    if (item === undefined || typeof item !== "object") throw new Unsupported();
    const keys = writtenKeys(item);
    if (keys.length === 0) out.push(`${dash}{}`);
    else mapping(item as PlainMap, keys, column + 2, out, dash);
  }
}

/** The lines the direct writer writes for a non-empty map or list, undefined for what goes to yaml whole. */
function directLines(value: unknown): string[] | undefined {
  try {
    const out: string[] = [];
    if (Array.isArray(value) && value.length > 0) sequence(value, 0, out);
    else if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      const keys = writtenKeys(value);
      if (keys.length === 0) return undefined;
      mapping(value as PlainMap, keys, 0, out);
    } else return undefined;
    return out;
  } catch (error) {
    if (!(error instanceof Unsupported)) throw error;
    return undefined;
  }
}

/**
 * The same text as yaml's `stringify` with the options above, written directly for the plain data
 * of Kubernetes objects, without building yaml's node tree first. Each
 * scalar it cannot decide itself is written by yaml; anything else goes to yaml whole.
 */
export function kubernetesYaml(value: unknown): string {
  const lines = directLines(value);
  return lines ? `${lines.join("\n")}\n` : stringify(value, options);
}
