/** Types of bin/dist-stamp.js (plain JavaScript: the binary runs it before tsx is loaded). */
export declare const root: string;
export declare const stampFile: string;
/** The bundle, relative to the package (its stamp is the stamp's `bundle`). */
export declare const bundlePath: string;
export declare const bundleFile: string;
export declare const bundleCodeCache: string;
export declare function inputStamp(path: string): { size: number; mtimeMs: number; sha: string };
/** A digest of dist/stamp.json while dist/ matches its inputs and its bundle; undefined when missing or stale. */
export declare function currentBuild(): string | undefined;
