// The CLI's build: one esbuild bundle of src/ in dist/ (split per command, so a command loads only
// what it runs), and dist/stamp.json naming every input it was built from. `npm ci` runs it
// (`prepare`); bin/jore4-flux.js runs dist/ only while the stamp matches the files (bin/dist-stamp.js),
// else the sources.
import { rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { inputStamp, root, stampFile } from "../bin/dist-stamp.js";

const dist = join(root, "dist");
/** Entry points, relative to src/ (bin/jore4-flux.js imports these two). */
export const entries = ["cli/main", "process-context"];
/** Besides the bundled sources: what else decides the bundle's content. */
const extraInputs = ["package.json", "package-lock.json", "scripts/build.mjs", "bin/dist-stamp.js"];
/** Loaded from node_modules as they are: used by one rare command each, and read files of their own. */
const external = ["doctoc", "@snyk/docker-registry-v2-client", "tar"];

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
  const stamp = Object.fromEntries([...new Set(inputs)].sort().map((path) => [path, inputStamp(path)]));
  writeFileSync(stampFile, `${JSON.stringify({ inputs: stamp }, null, 1)}\n`);
  writeFileSync(join(dist, "meta.json"), JSON.stringify(result.metafile));
  return relative(root, dist);
}

/** esbuild is a dev dependency: `npm ci --omit=dev` (the deploy workflows) has none, and runs the sources. */
async function hasEsbuild() {
  try {
    await import("esbuild");
    return true;
  } catch {
    return false;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  if (await hasEsbuild()) console.log(`built ${await build()}/`);
  else console.log("esbuild is not installed (npm ci --omit=dev?): no dist/; the CLI runs its sources through tsx");
}
