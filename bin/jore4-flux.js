#!/usr/bin/env node
// Runs the TypeScript sources directly (through tsx), so the CLI never lags behind a build step.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../src/cli/main.ts");
const { processContext } = await import("../src/process-context.ts");
process.exitCode = await main(process.argv.slice(2), processContext());
