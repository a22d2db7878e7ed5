/** Types of src/io/whole-file.cjs (plain CommonJS: the binary requires it before the bundle is loaded). */
/** A regular file's bytes (through links); undefined when missing, unreadable or not a regular file (never blocks on a FIFO). */
export declare function readRegularFile(path: string): Buffer | undefined;
/** Writes a file whole (temporary sibling, then rename), best effort: nothing when it cannot, or something else than a regular file is there. */
export declare function writeWhole(path: string, bytes: string | Uint8Array): void;
