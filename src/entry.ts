// What bin/jore4-flux.js runs: the CLI and the real process context (one bundle in dist/, or these sources).
import "./values/zod-jitless.ts";
export { main } from "./cli/main.ts";
export { processContext } from "./process-context.ts";
