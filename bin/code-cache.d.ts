/** Types of bin/code-cache.js (plain JavaScript: the binary runs it before anything else is loaded). */
export interface LoadedCommonJs {
  exports: Record<string, unknown>;
  /** True when V8 took the compiled code from the cache file. */
  cacheAccepted: boolean;
  /** Writes V8's compiled code of the file as it is now (best effort). */
  saveCache(): void;
}
export declare function loadCommonJs(file: string, cacheFile: string): LoadedCommonJs;
