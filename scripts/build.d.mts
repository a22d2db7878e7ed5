/** Types of scripts/build.mjs (plain JavaScript, so bin/jore4-flux.js can run it without tsx). */
export declare const entries: string[];
export declare function distIsCurrent(): boolean;
export declare function build(): Promise<string>;
