#!/usr/bin/env node
// Runs the build in dist/ (made by `npm ci`, see scripts/build.mjs) while it matches the sources;
// otherwise the TypeScript sources directly through tsx, so the CLI never runs stale code.
import { distIsCurrent } from "./dist-stamp.js";

let load = (module) => import(`../dist/${module}.js`);
if (!distIsCurrent()) {
  const { register } = await import("tsx/esm/api");
  register();
  load = (module) => import(`../src/${module}.ts`);
}
const { main } = await load("cli/main");
const { processContext } = await load("process-context");
process.exitCode = await main(process.argv.slice(2), processContext());
