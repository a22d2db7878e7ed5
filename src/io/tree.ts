import { mkdirSync, readdirSync, renameSync, rmdirSync, unlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

/** Writes each file through a temporary sibling and a rename, so no file is ever half-written. */
export function writeFiles(root: string, files: readonly { path: string; text: string }[]): void {
  for (const file of files) {
    const full = join(root, file.path);
    mkdirSync(dirname(full), { recursive: true });
    const temporary = `${full}.jore4-flux-tmp`;
    writeFileSync(temporary, file.text);
    renameSync(temporary, full);
  }
}

/** Removes files, and the folders that removal leaves empty (up to, not including, `stopAt`). */
export function removeFiles(root: string, paths: readonly string[], stopAt: string): void {
  const boundary = join(root, stopAt);
  for (const path of paths) {
    const full = join(root, path);
    unlinkSync(full);
    for (let dir = dirname(full); dir.startsWith(boundary) && dir !== boundary; dir = dirname(dir)) {
      if (readdirSync(dir).length > 0) break;
      rmdirSync(dir);
    }
  }
}
