import {
  isAlias,
  isCollection,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseAllDocuments,
  parseDocument,
  visit,
  type Document,
  type Node,
} from "yaml";
import { invalidInput, type Problem, type SourceLocation } from "../errors.ts";

export type KeyPath = readonly (string | number)[];

/** A parsed YAML document that still knows where each of its nodes came from. */
export interface YamlSource {
  file: string;
  document: Document;
  /** Line and column (1-based) of an offset into the document's nodes' ranges. */
  lineCounter: Pick<LineCounter, "linePos">;
  value: unknown;
}

function located(file: string, lineCounter: Pick<LineCounter, "linePos">, offset: number): SourceLocation {
  const { line, col } = lineCounter.linePos(offset);
  return { file, line, column: col };
}

/** The library's messages in our words where they name its own API (the rest say what is wrong in YAML terms). */
const ownMessages: Readonly<Record<string, string>> = {
  MULTIPLE_DOCS: "a second YAML document starts here (after ---); this file holds one document",
};

/**
 * The first syntax error of a document (the ones after it are mostly its echoes), and every line
 * indented with a tab (each is a problem of its own).
 */
function syntaxProblems(file: string, lineCounter: Pick<LineCounter, "linePos">, document: Document): Problem[] {
  const reported = document.errors.filter((error, index) => index === 0 || error.code === "TAB_AS_INDENT");
  return reported.map((error) => ({
    location: located(file, lineCounter, error.pos[0]),
    message: `invalid YAML: ${ownMessages[error.code] ?? error.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "")}`,
  }));
}

/** The key path of the collection a visited pair is in, from the ancestors `visit` gives (maps' keys, lists' indexes). */
function keyPathOf(ancestors: readonly unknown[]): KeyPath {
  const path: (string | number)[] = [];
  ancestors.forEach((ancestor, index) => {
    if (isPair(ancestor) && isScalar(ancestor.key)) path.push(String(ancestor.key.value));
    else if (isSeq(ancestor) && index + 1 < ancestors.length)
      path.push(ancestor.items.indexOf(ancestors[index + 1] as never));
  });
  return path;
}

/**
 * A key that is a map or a list (`? [a]: b`, `{a: 1}: x`): JavaScript objects, and Kubernetes'
 * JSON, have only text keys; the YAML library would turn it into text with a warning of its own.
 */
function collectionKeyProblems(file: string, lineCounter: Pick<LineCounter, "linePos">, document: Document): Problem[] {
  const problems: Problem[] = [];
  visit(document, {
    Pair(_key, pair, ancestors) {
      const key = isAlias(pair.key) ? pair.key.resolve(document) : pair.key;
      if (!isCollection(key)) return;
      problems.push({
        location: located(file, lineCounter, (pair.key as Node).range?.[0] ?? 0),
        path: dottedPath(keyPathOf(ancestors)),
        message: `invalid YAML: a ${isMap(key) ? "map" : "list"} as a key; a key is plain text`,
      });
    },
  });
  return problems;
}

/**
 * What a values file (or jore4-flux.yaml) may not use, though YAML has it: tags beyond the plain
 * ones (`!evil`, `!!binary`, `!!timestamp` …: the library would drop or reinterpret them) and
 * merge keys (`<<`: YAML 1.1 only, read as a plain key by YAML 1.2). Both are refused, naming the
 * place, rather than read some way the author did not mean.
 */
function valuesOnlyProblems(
  file: string,
  text: string,
  lineCounter: Pick<LineCounter, "linePos">,
  document: Document,
): Problem[] {
  const tags = document.warnings
    .filter((warning) => warning.code === "TAG_RESOLVE_FAILED" || warning.code === "BAD_COLLECTION_TYPE")
    .map((warning) => ({
      location: located(file, lineCounter, warning.pos[0]),
      message: `unsupported YAML tag ${text.slice(warning.pos[0], warning.pos[1])}: this file takes plain YAML (text, numbers, true/false, null, maps and lists); remove the tag`,
    }));
  const merges: Problem[] = [];
  visit(document, {
    Pair(_key, pair, ancestors) {
      if (!isScalar(pair.key) || pair.key.type !== "PLAIN" || pair.key.value !== "<<") return;
      merges.push({
        location: located(file, lineCounter, pair.key.range?.[0] ?? 0),
        path: dottedPath([...keyPathOf(ancestors), "<<"]),
        message: "YAML merge keys (<<) are not supported; write the keys out",
      });
    },
  });
  return [...tags, ...merges];
}

/** Aliases a document may expand to, in all: more is an alias bomb (a few lines that expand to gigabytes). */
export const maxAliasCount = 100;

/** The document's value; an alias bomb is an input error at its first alias, not a crash. */
function documentValue(file: string, lineCounter: Pick<LineCounter, "linePos">, document: Document): unknown {
  try {
    return document.toJS({ maxAliasCount });
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error;
    let offset = 0;
    visit(document, {
      Alias(_key, node) {
        offset = node.range?.[0] ?? 0;
        return visit.BREAK;
      },
    });
    throw invalidInput([
      {
        location: located(file, lineCounter, offset),
        message: `invalid YAML: its aliases expand to too many nodes (more than ${maxAliasCount} alias uses; an alias bomb?)`,
      },
    ]);
  }
}

/**
 * Duplicate keys, each named at its second occurrence. The yaml library's own `uniqueKeys` check
 * searches each map once per key (quadratic in a map's size): this is one pass.
 */
function duplicateKeyProblems(file: string, lineCounter: Pick<LineCounter, "linePos">, document: Document): Problem[] {
  const problems: Problem[] = [];
  visit(document, {
    Map(_key, map) {
      const seen = new Set<string>();
      for (const pair of map.items) {
        if (!isScalar(pair.key)) continue;
        const name = String(pair.key.value);
        if (seen.has(name))
          problems.push({
            location: located(file, lineCounter, pair.key.range?.[0] ?? 0),
            message: `invalid YAML: duplicate key '${name}' in one map`,
          });
        seen.add(name);
      }
    },
  });
  return problems;
}

/**
 * Parse options every reader shares: keys are checked apart (one pass, duplicateKeyProblems), and
 * the library prints nothing of its own (what it would warn of is refused by these checks).
 */
const parseOptions = { uniqueKeys: false, logLevel: "error" } as const;

/** Parses one YAML document; malformed YAML is an input error that names the file and line. */
export function parseYamlSource(file: string, text: string): YamlSource {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, {
    ...parseOptions,
    lineCounter,
    keepSourceTokens: true,
    // YAML 1.1's explicit tags (!!binary, !!timestamp …) stay unresolved: valuesOnlyProblems refuses them.
    resolveKnownTags: false,
  });
  const problems = syntaxProblems(file, lineCounter, document);
  if (problems.length === 0)
    problems.push(
      ...duplicateKeyProblems(file, lineCounter, document),
      ...collectionKeyProblems(file, lineCounter, document),
      ...valuesOnlyProblems(file, text, lineCounter, document),
    );
  if (problems.length > 0) throw invalidInput(problems);
  return { file, document, lineCounter, value: documentValue(file, lineCounter, document) ?? {} };
}

/** A plain integer with a leading zero: octal to Kubernetes' Go YAML readers, decimal to YAML 1.2. */
const leadingZeroInteger = /^[-+]?0[0-7]+$/;

/**
 * The one number rule of every multi-document (manifest) reader: YAML 1.2, except that a plain
 * integer with a leading zero is octal, as kubectl, kustomize and Flux read it (`defaultMode: 0644`
 * is 420 to them, where YAML 1.2 would read 644).
 */
function readIntegersAsKubernetesDoes(document: Document): void {
  visit(document, {
    Scalar(_key, node) {
      if (node.type !== "PLAIN" || typeof node.value !== "number" || !leadingZeroInteger.test(node.source ?? ""))
        return;
      const text = node.source!;
      node.value = (text.startsWith("-") ? -1 : 1) * Number.parseInt(text.replace(/^[-+]/, ""), 8);
    },
  });
}

/**
 * Parses a multi-document YAML stream (manifests), read by the number rule above; empty documents
 * are dropped. Malformed YAML is an input error naming the file and line of each problem.
 */
export function parseYamlStream(file: string, text: string): YamlSource[] {
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, { ...parseOptions, lineCounter });
  const list = Array.isArray(documents) ? documents : [];
  const problems = list.flatMap((document) => {
    const syntax = syntaxProblems(file, lineCounter, document);
    return syntax.length > 0
      ? syntax
      : [...duplicateKeyProblems(file, lineCounter, document), ...collectionKeyProblems(file, lineCounter, document)];
  });
  if (!Array.isArray(documents))
    problems.push({ location: { file, line: 1, column: 1 }, message: "invalid YAML stream" });
  if (problems.length > 0) throw invalidInput(problems);
  return list
    .filter((document) => document.contents !== null)
    .map((document) => {
      readIntegersAsKubernetesDoes(document);
      return { file, document, lineCounter, value: documentValue(file, lineCounter, document) };
    });
}

/**
 * The values of a multi-document stream read leniently, by the same number rule: what a document
 * with an error still holds, and none for a document whose aliases expand too far (for files of
 * any past commit, and other programs' output, that need not be well formed). Empty documents are dropped.
 */
export function yamlStreamValues(text: string): unknown[] {
  const documents = parseAllDocuments(text, parseOptions);
  return (Array.isArray(documents) ? documents : []).flatMap((document) => {
    if (document.contents === null) return [];
    readIntegersAsKubernetesDoes(document);
    try {
      return [document.toJS({ maxAliasCount })];
    } catch (error) {
      if (!(error instanceof ReferenceError)) throw error;
      return [];
    }
  });
}

export function dottedPath(path: KeyPath): string {
  return path.map(String).join(".");
}

/**
 * Walks `path` through the YAML tree and returns how many of its segments exist in this source,
 * with the location of the deepest one (a map entry's key, so a message points at the key name).
 */
export function locatePath(source: YamlSource, path: KeyPath): { depth: number; location: SourceLocation } {
  let node: unknown = source.document.contents;
  let best: SourceLocation = located(source.file, source.lineCounter, (node as Node | null)?.range?.[0] ?? 0);
  let depth = 0;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
      if (!pair) break;
      const keyNode = pair.key as Node;
      best = located(source.file, source.lineCounter, keyNode.range?.[0] ?? 0);
      node = pair.value;
    } else if (isSeq(node) && typeof segment === "number" && segment < node.items.length) {
      node = node.items[segment];
      best = located(source.file, source.lineCounter, (node as Node | null)?.range?.[0] ?? 0);
    } else {
      break;
    }
    depth += 1;
  }
  return { depth, location: best };
}

/** The text of the plain scalar at `path`, as written (`1.10`, not the number 1.1); undefined when not there. */
export function scalarText(source: YamlSource, path: KeyPath): string | undefined {
  let node: unknown = source.document.contents;
  for (const segment of path) {
    if (!isMap(node)) return undefined;
    node = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment))?.value;
  }
  return isScalar(node) && typeof node.source === "string" ? node.source : undefined;
}

/** The location in the source, of several layered ones, that set the deepest part of `path` (later layers win ties). */
export function locateInLayers(sources: readonly YamlSource[], path: KeyPath): SourceLocation | undefined {
  let best: { depth: number; location: SourceLocation } | undefined;
  for (const source of sources) {
    const found = locatePath(source, path);
    if (!best || found.depth >= best.depth) best = found;
  }
  return best?.location;
}
