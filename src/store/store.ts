import { createHash } from "node:crypto";
import { readdirSync, realpathSync, rmSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { readRegularFile, writeWhole } from "../io/whole-file.cjs";
import type * as z from "zod";
import type { Context } from "../context.ts";
import { packageCacheDir } from "../tools/paths.ts";

/**
 * The store: what the CLI keeps between runs, so that a run can skip work whose inputs did not
 * change. It is the one persistent cache of the package (README, "The store"), a folder of
 * entries: `<kind>/<repository>.json` for answers about a repository (generate --check's "up to
 * date", history's reads of git) and `<kind>/<name>` for bytes (V8's code of the schema
 * validators).
 *
 * Invariants:
 * - An entry is keyed by the build that made it (`Context.build`) and the inputs it proves it
 *   read; a run of another build, or of the sources (no build: tsx, tests without one), neither
 *   reads nor keeps anything.
 * - An entry is validated on read (its schema): one of another shape, or not a regular file (a
 *   FIFO is never waited on), is read past as if absent, and the command works for real.
 * - Keeping is best effort: a read-only install keeps nothing and says nothing.
 * - Its folder comes from the context (`JORE4_FLUX_CACHE`, else node_modules/.cache/jore4-flux):
 *   a test gives each run its own.
 */
export interface Store {
  /** The folder holding every entry. */
  readonly dir: string;
  /** The running build; undefined: nothing is read or kept. */
  readonly build: string | undefined;
}

/** The store of a context: its folder from the environment, keyed by the running build. */
export function openStore(context: Pick<Context, "env" | "build">): Store {
  return { dir: context.env.JORE4_FLUX_CACHE || packageCacheDir, build: context.build };
}

/** Entries kept per kind (one per repository; test runs make many): the oldest beyond this are removed. */
const keptEntries = 50;

const repositoryName = (root: string) =>
  `${createHash("sha256").update(realpathSync(root)).digest("hex").slice(0, 32)}.json`;

/** Where a repository's entry of this kind is kept. */
export const entryFile = (store: Store, kind: string, root: string) => join(store.dir, kind, repositoryName(root));

/**
 * The value kept for the repository, when this build kept it and it has the shape `schema`
 * gives (an entry is the value's fields beside `build`); else undefined (see Store).
 */
export function readEntry<T>(store: Store, kind: string, root: string, schema: z.ZodType<T>): T | undefined {
  if (store.build === undefined) return undefined;
  let parsed: unknown;
  try {
    const bytes = readRegularFile(entryFile(store, kind, root));
    if (bytes === undefined) return undefined;
    parsed = JSON.parse(bytes.toString("utf8"));
  } catch {
    return undefined;
  }
  // The entry is its value's fields beside the build that made it.
  if (typeof parsed !== "object" || parsed === null || (parsed as { build?: unknown }).build !== store.build)
    return undefined;
  const result = schema.safeParse(parsed);
  return result.success ? result.data : undefined;
}

/** Keeps a value for the repository (see Store), and drops the oldest entries of its kind beyond the limit. */
export function keepEntry(store: Store, kind: string, root: string, value: object): void {
  if (store.build === undefined) return;
  try {
    const file = entryFile(store, kind, root);
    writeWhole(file, JSON.stringify({ build: store.build, ...value }));
    const dir = dirname(file);
    const entries = readdirSync(dir)
      .filter((name) => name.endsWith(".json"))
      .map((name) => join(dir, name));
    if (entries.length <= keptEntries) return;
    const byAge = entries.map((path) => ({ path, mtime: statSync(path).mtimeMs })).sort((a, b) => a.mtime - b.mtime);
    for (const { path } of byAge.slice(0, entries.length - keptEntries)) rmSync(path, { force: true });
  } catch {
    // Not writable: the next run works for real.
  }
}

/** Where the bytes of a named entry are kept (their name carries their key). */
export const bytesFile = (store: Store, kind: string, name: string) => join(store.dir, kind, name);

/** The bytes of a named entry; undefined when there are none, or something else is in their place. */
export const readBytes = (store: Store, kind: string, name: string): Buffer | undefined =>
  store.build === undefined ? undefined : readRegularFile(bytesFile(store, kind, name));

/** Keeps the bytes of a named entry (best effort, as every entry). */
export function keepBytes(store: Store, kind: string, name: string, bytes: Uint8Array): void {
  if (store.build !== undefined) writeWhole(bytesFile(store, kind, name), bytes);
}
