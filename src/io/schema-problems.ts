import type { z } from "zod";
import type { Problem, SourceLocation } from "../errors.ts";
import { dottedPath, type KeyPath } from "../io/yaml-source.ts";

type Locate = (path: KeyPath) => SourceLocation | undefined;

interface SchemaDef {
  type: string;
  shape?: Record<string, z.ZodType>;
  valueType?: z.ZodType;
  innerType?: z.ZodType;
  element?: z.ZodType;
  in?: z.ZodType;
}

function definition(schema: z.ZodType): SchemaDef {
  return (schema as unknown as { _zod: { def: SchemaDef } })._zod.def;
}

/** The keys an object schema accepts at `path`, for "unknown key" messages. */
function allowedKeys(schema: z.ZodType, path: KeyPath): string[] {
  let current: z.ZodType | undefined = schema;
  const remaining = [...path];
  while (current) {
    const def = definition(current);
    if (def.innerType) current = def.innerType;
    else if (def.type === "pipe") current = def.in;
    else if (remaining.length === 0) return def.shape ? Object.keys(def.shape) : [];
    else if (def.type === "object") current = def.shape?.[String(remaining.shift())];
    else if (def.type === "record") {
      remaining.shift();
      current = def.valueType;
    } else if (def.type === "array") {
      remaining.shift();
      current = def.element;
    } else return [];
  }
  return [];
}

function editDistance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    let diagonal = previous[0]!;
    previous[0] = i;
    for (let j = 1; j <= b.length; j += 1) {
      const above = previous[j]!;
      previous[j] = Math.min(above + 1, previous[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return previous[b.length]!;
}

function unknownKeyMessage(key: string, allowed: string[]): string {
  const close = allowed.filter((candidate) => editDistance(candidate.toLowerCase(), key.toLowerCase()) <= 2);
  const suggestion = close.length > 0 ? ` (did you mean ${close.map((c) => `'${c}'`).join(" or ")}?)` : "";
  return `unknown key '${key}'${suggestion}; expected one of: ${allowed.join(", ")}`;
}

function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === "invalid_type" && /received undefined$/.test(issue.message)) {
    return `required field is missing (expected ${issue.expected})`;
  }
  if (issue.code === "invalid_type") return issue.message.replace(/^Invalid input: /, "");
  if (issue.code === "invalid_key") return `invalid name: ${issue.issues.map((inner) => inner.message).join("; ")}`;
  if (issue.code === "invalid_value") return issue.message.replace(/^Invalid option: /, "");
  return issue.message;
}

/** Turns schema issues into problems that name the file, line, column and dotted key. */
export function schemaProblems(schema: z.ZodType, error: z.ZodError, locate: Locate): Problem[] {
  return error.issues.flatMap((issue) => {
    const path = issue.path.filter((segment): segment is string | number => typeof segment !== "symbol");
    if (issue.code === "unrecognized_keys") {
      const allowed = allowedKeys(schema, path);
      return issue.keys.map((key) => {
        const keyPath = [...path, key];
        return { location: locate(keyPath), path: dottedPath(keyPath), message: unknownKeyMessage(key, allowed) };
      });
    }
    return [{ location: locate(path), path: dottedPath(path), message: issueMessage(issue) }];
  });
}
