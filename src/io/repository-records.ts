import { createHash } from "node:crypto";
import { readdirSync, realpathSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import type { z } from "zod";
import { readRegularFile, writeCacheFile } from "../../bin/code-cache.js";
import { packageCacheDir } from "../tools/paths.ts";

/**
 * What a command keeps about a repository between runs (generate --check's last answer, history's
 * reads of git): one JSON file per kind and repository in the package's cache, best effort.
 */
const kindDir = (kind: string) => join(packageCacheDir, kind);
/** Records kept per kind (one per repository; test runs make many): the oldest beyond this are removed. */
const keptRecords = 50;

const recordName = (root: string) =>
  `${createHash("sha256").update(realpathSync(root)).digest("hex").slice(0, 32)}.json`;

/** Where a repository's record of this kind is kept. */
export const repositoryRecordFile = (kind: string, root: string) => join(kindDir(kind), recordName(root));

/**
 * The record as kept, when it has the shape `schema` gives; undefined when there is none, it does
 * not read, is no regular file (a FIFO is not waited on), or has another shape (e.g. edited by
 * hand): such a record is never trusted, the command reads for real and keeps a new one over it.
 */
export function readRepositoryRecord<T>(kind: string, root: string, schema: z.ZodType<T>): T | undefined {
  let parsed: unknown;
  try {
    const bytes = readRegularFile(repositoryRecordFile(kind, root));
    if (bytes === undefined) return undefined;
    parsed = JSON.parse(bytes.toString("utf8"));
  } catch {
    return undefined;
  }
  const result = schema.safeParse(parsed);
  return result.success ? result.data : undefined;
}

/**
 * Keeps a record (best effort: a read-only install, or something not a regular file in its place,
 * keeps none), and drops the oldest of its kind beyond the limit.
 */
export function keepRepositoryRecord(kind: string, root: string, record: unknown): void {
  try {
    writeCacheFile(repositoryRecordFile(kind, root), JSON.stringify(record));
    const records = readdirSync(kindDir(kind))
      .filter((name) => name.endsWith(".json"))
      .map((name) => join(kindDir(kind), name));
    if (records.length <= keptRecords) return;
    const byAge = records.map((path) => ({ path, mtime: statSync(path).mtimeMs })).sort((a, b) => a.mtime - b.mtime);
    for (const { path } of byAge.slice(0, records.length - keptRecords)) rmSync(path, { force: true });
  } catch {
    // Not writable: the next run reads for real.
  }
}
