import { isAscii } from "node:buffer";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { Script } from "node:vm";
import { keepBytes, readBytes, type Store } from "./store.ts";

/** The kind of the store's entries holding V8's compiled code of a CommonJS file. */
const kind = "code";

/** A CommonJS file run with V8's code cache: its exports, and a way to keep what V8 compiled of it so far. */
export interface CachedModule {
  readonly exports: unknown;
  /** Keeps the compiled code in the store (a no-op when the store's entry was accepted): call it after use, so the functions the run called are in it. */
  keepCode(): void;
}

/**
 * Runs `file` as a CommonJS module, its compiled code taken from the store entry `name` when V8
 * accepts it (V8 checks the entry itself: same source, same Node version and flags; a rejected
 * entry is as none). `provided`: modules its `require` gets as they are, by name, instead of
 * loading them from node_modules.
 */
export function loadCachedCommonJs(
  store: Store,
  file: string,
  name: string,
  provided: Readonly<Record<string, unknown>> = {},
): CachedModule {
  const cachedData = readBytes(store, kind, name);
  const bytes = readFileSync(file);
  // ASCII text (the schema validators are 2 MB of it) decodes as latin1 without UTF-8's checks.
  const text = bytes.toString(isAscii(bytes) ? "latin1" : "utf8");
  const source = `(function (exports, require, module, __filename, __dirname) {${text}\n})`;
  const script = new Script(source, { filename: file, ...(cachedData ? { cachedData } : {}) });
  const module = { exports: {} as unknown };
  const load = createRequire(file);
  const require = (id: string) => (Object.hasOwn(provided, id) ? provided[id] : load(id));
  (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, require, module, file, dirname(file));
  const accepted = cachedData !== undefined && !script.cachedDataRejected;
  let kept = accepted;
  return {
    exports: module.exports,
    keepCode() {
      if (kept) return;
      kept = true;
      keepBytes(store, kind, name, script.createCachedData());
    },
  };
}
