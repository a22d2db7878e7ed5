/** Types of bin/dist-stamp.js (plain JavaScript: the binary runs it before tsx is loaded). */
export declare const root: string;
export declare const stampFile: string;
export declare function inputStamp(path: string): { size: number; mtimeMs: number; sha: string };
export declare function distIsCurrent(): boolean;
