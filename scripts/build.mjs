// The CLI's build: src/ bundled by esbuild into one CommonJS file, dist/jore4-flux.cjs, whose
// commands still load their modules only when run (esbuild keeps each dynamic import a lazy
// initializer); V8's code cache of it, saved after a few commands have run in the build process
// so their functions are compiled already; and dist/stamp.json naming every input it was built from.
// `npm ci` runs it (`prepare`); bin/jore4-flux.js runs dist/ only while the stamp matches the files
// (bin/dist-stamp.js), else the sources.
import { rmSync, writeFileSync } from "node:fs";
import { dirname, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { loadCommonJs } from "../bin/code-cache.js";
import { bundleCodeCache, bundleFile, bundlePath, inputStamp, root, stampFile } from "../bin/dist-stamp.js";

/** Besides the bundled sources: what else decides the bundle's content. */
const extraInputs = [
  "package.json",
  "package-lock.json",
  "scripts/build.mjs",
  "bin/dist-stamp.js",
  "bin/code-cache.js",
  "bin/jore4-flux.js",
  "bin/package.json",
];
/** Loaded from node_modules as they are: used by one rare command each, and read files of their own. */
const external = ["doctoc", "tar"];
/**
 * What the build runs once on this repository (the shipped configuration) before saving the code
 * cache: the commands that run most, in CI and hooks. Each writes nothing.
 */
const warmUp = [["--help"], ["generate", "--check"], ["check", "--no-kustomize"], ["diff", "dev", "prod"]];

export async function build() {
  const { build: esbuild } = await import("esbuild");
  rmSync(dirname(bundleFile), { recursive: true, force: true });
  const result = await esbuild({
    absWorkingDir: root,
    entryPoints: ["src/entry.ts"],
    outfile: bundleFile,
    bundle: true,
    format: "cjs",
    platform: "node",
    target: "node20",
    packages: "bundle",
    external,
    metafile: true,
    sourcemap: "linked",
    // No comments, so the bundle is ASCII (else V8 reads it all as UTF-16): --help takes >10 % less CPU (docs/performance.md).
    minifyWhitespace: true,
    // The sources find the package (and its tools/) from their own address.
    define: { "import.meta.url": "importMetaUrl" },
    banner: { js: 'const importMetaUrl = require("node:url").pathToFileURL(__filename).href;' },
    logLevel: "warning",
  });
  const inputs = Object.keys(result.metafile.inputs)
    .filter((path) => !path.startsWith("node_modules/"))
    .concat(extraInputs);
  const stamp = Object.fromEntries([...new Set(inputs)].sort().map((path) => [path, inputStamp(path)]));
  // The bundle's own stamp too: the build's name (a digest of the stamp) then covers the code that runs.
  const bundle = inputStamp(bundlePath);
  writeFileSync(stampFile, `${JSON.stringify({ inputs: stamp, bundle }, null, 1)}\n`);
  await saveWarmCodeCache();
  return relative(root, bundleFile);
}

/** Runs the warm-up commands in this process, output discarded, then saves what V8 compiled. */
async function saveWarmCodeCache() {
  const bundle = loadCommonJs(bundleFile, bundleCodeCache);
  const { main, processContext } = bundle.exports;
  const quiet = { ...processContext(), cwd: root, stdout: { write() {} }, stderr: { write() {} } };
  for (const argv of warmUp) await main(argv, quiet);
  bundle.saveCache();
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
  if (await hasEsbuild()) console.log(`built ${await build()}`);
  else console.log("esbuild is not installed (npm ci --omit=dev?): no dist/; the CLI runs its sources through tsx");
}
