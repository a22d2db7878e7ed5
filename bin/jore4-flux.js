#!/usr/bin/env node
// Runs the build in dist/ (made by `npm ci`, see scripts/build.mjs) while it matches the sources;
// otherwise the TypeScript sources directly through tsx, so the CLI never runs stale code.
const { bundleCodeCache, bundleFile, currentBuild } = require("./dist-stamp.js");
const { loadCommonJs } = require("./code-cache.js");

async function run(argv) {
  const build = currentBuild();
  if (build) {
    // One CommonJS file with V8's compiled code beside it (the build saves it after a few commands),
    // so a start parses and compiles next to nothing: without it --help takes 11 %, check 25 % more
    // CPU (docs/performance.md).
    const bundle = loadCommonJs(bundleFile, bundleCodeCache);
    const { main, processContext } = bundle.exports;
    process.exitCode = await main(argv, processContext(build));
    if (!bundle.cacheAccepted) bundle.saveCache();
  } else {
    const { register } = await import("tsx/esm/api");
    register();
    const { main, processContext } = await import("../src/entry.ts");
    process.exitCode = await main(argv, processContext());
  }
}

run(process.argv.slice(2));
