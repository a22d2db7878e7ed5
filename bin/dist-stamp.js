// dist/stamp.json: every input the build in dist/ was made from (scripts/build.mjs writes it), so
// bin/jore4-flux.js runs dist/ only while it matches the files as they are now.
const { createHash } = require("node:crypto");
const { readFileSync, statSync } = require("node:fs");
const { join, sep } = require("node:path");
const { readRegularFile } = require("../src/io/whole-file.cjs");

const root = join(__dirname, "..") + sep;
const stampFile = join(root, "dist", "stamp.json");
/** The CLI in one CommonJS file (scripts/build.mjs). */
const bundlePath = "dist/jore4-flux.cjs";
const bundleFile = join(root, bundlePath);
/** V8's code cache of the bundle, for this Node version (V8 refuses another's). */
const bundleCodeCache = join(root, "dist", `jore4-flux-${process.version}-${process.arch}.v8`);

const sha = (path) =>
  createHash("sha256")
    .update(readFileSync(join(root, path)))
    .digest("hex");

/** What the stamp records of one input file (a path relative to the package). */
function inputStamp(path) {
  const stats = statSync(join(root, path));
  return { size: stats.size, mtimeMs: stats.mtimeMs, sha: sha(path) };
}

/**
 * The build in dist/, named by a digest of its stamp, when it was built from the files as they are
 * now (same size, and same mtime or same content) and its bundle is the one built (the stamp holds
 * the bundle's own digest, so the name covers the code that runs: a bundle edited by hand is not
 * the build, and the sources run); undefined when it is missing or stale.
 */
function currentBuild() {
  const text = readRegularFile(stampFile)?.toString("utf8");
  if (text === undefined) return undefined;
  try {
    // Every start runs this: `root` ends with a slash, and path.join cost more than the stat calls.
    const matches = ([path, input]) => {
      const stats = statSync(root + path);
      return stats.size === input.size && (stats.mtimeMs === input.mtimeMs || sha(path) === input.sha);
    };
    const stamp = JSON.parse(text);
    const current =
      stamp.bundle !== undefined && matches([bundlePath, stamp.bundle]) && Object.entries(stamp.inputs).every(matches);
    return current ? createHash("sha256").update(text).digest("hex").slice(0, 32) : undefined;
  } catch {
    return undefined; // an input is gone
  }
}

module.exports = { root, stampFile, bundlePath, bundleFile, bundleCodeCache, inputStamp, currentBuild };
