// The CLI's build: one esbuild bundle of src/ in dist/ (split per command, so a command loads only
// what it runs), and dist/stamp.json naming every input it was built from. `npm ci` runs it
// (`prepare`); bin/jore4-flux.js runs dist/ only while the stamp matches the files, else the sources.
import { createHash } from "node:crypto";
import { readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const dist = join(root, "dist");
const stampFile = join(dist, "stamp.json");
/** Entry points, relative to src/ (bin/jore4-flux.js imports these two). */
export const entries = ["cli/main", "process-context"];
/** Besides the bundled sources: what else decides the bundle's content. */
const extraInputs = ["package.json", "package-lock.json", "scripts/build.mjs"];
/** Loaded from node_modules as they are: used by one rare command each, and read files of their own. */
const external = ["doctoc", "@snyk/docker-registry-v2-client", "tar"];

const sha = (path) =>
  createHash("sha256")
    .update(readFileSync(join(root, path)))
    .digest("hex");

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

export async function build() {
  const { build: esbuild } = await import("esbuild");
  rmSync(dist, { recursive: true, force: true });
  const result = await esbuild({
    absWorkingDir: root,
    entryPoints: entries.map((entry) => ({ in: `src/${entry}.ts`, out: entry })),
    outbase: "src",
    outdir: dist,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    packages: "bundle",
    external,
    metafile: true,
    sourcemap: "linked",
    chunkNames: "chunks/[name]-[hash]",
    // CommonJS dependencies inside an ES module bundle still call require() for Node's own modules.
    banner: {
      js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);',
    },
    logLevel: "warning",
  });
  const inputs = Object.keys(result.metafile.inputs)
    .filter((path) => !path.startsWith("node_modules/"))
    .concat(extraInputs);
  const stamp = Object.fromEntries(
    [...new Set(inputs)].sort().map((path) => {
      const stats = statSync(join(root, path));
      return [path, { size: stats.size, mtimeMs: stats.mtimeMs, sha: sha(path) }];
    }),
  );
  writeFileSync(stampFile, `${JSON.stringify({ inputs: stamp }, null, 1)}\n`);
  writeFileSync(join(dist, "meta.json"), JSON.stringify(result.metafile));
  return relative(root, dist);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) console.log(`built ${await build()}/`);
