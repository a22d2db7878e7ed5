/** Types of src/io/run-commonjs.cjs (plain CommonJS: the binary requires it before the bundle is loaded). */
export interface RanCommonJs {
  readonly exports: unknown;
  /** True when V8 took the compiled code from `cachedData`. */
  readonly cacheAccepted: boolean;
  /** V8's compiled code of the file as it is now. */
  createCachedData(): Buffer;
}
/** Runs `file` as a CommonJS module with V8's compiled code `cachedData` when V8 accepts it; `provided`: modules its `require` gets as they are. */
export declare function runCommonJs(
  file: string,
  cachedData: Buffer | undefined,
  provided?: Readonly<Record<string, unknown>>,
): RanCommonJs;
