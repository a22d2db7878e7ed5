// dist/stamp.json: every input the build in dist/ was made from (scripts/build.mjs writes it), so
// bin/jore4-flux.js runs dist/ only while it matches the files as they are now.
import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = fileURLToPath(new URL("..", import.meta.url));
export const stampFile = join(root, "dist", "stamp.json");

const sha = (path) =>
  createHash("sha256")
    .update(readFileSync(join(root, path)))
    .digest("hex");

/** What the stamp records of one input file (a path relative to the package). */
export function inputStamp(path) {
  const stats = statSync(join(root, path));
  return { size: stats.size, mtimeMs: stats.mtimeMs, sha: sha(path) };
}

/** True when dist/ was built from the files as they are now: same size, and same mtime or same content. */
export function distIsCurrent() {
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(stampFile, "utf8"));
  } catch {
    return false;
  }
  try {
    return Object.entries(stamp.inputs).every(([path, input]) => {
      const stats = statSync(join(root, path));
      return stats.size === input.size && (stats.mtimeMs === input.mtimeMs || sha(path) === input.sha);
    });
  } catch {
    return false; // an input is gone
  }
}
