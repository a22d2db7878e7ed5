import { runCommonJs } from "../io/run-commonjs.cjs";
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
  const ran = runCommonJs(file, readBytes(store, kind, name), provided);
  let kept = ran.cacheAccepted;
  return {
    exports: ran.exports,
    keepCode() {
      if (kept) return;
      kept = true;
      keepBytes(store, kind, name, ran.createCachedData());
    },
  };
}
