/**
 * How long a fresh machine (CI's worst case) takes to build the tools the tests need: every tool
 * is built with an empty Go build cache and an empty tools cache. Go modules already downloaded
 * are reused (a download is network time, not build time). Prints seconds per tool.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { goTools } from "../src/tools/catalog.ts";
import { installTool } from "../src/tools/install.ts";
import { processContext } from "../src/process-context.ts";

const scratch = mkdtempSync(join(tmpdir(), "jore4-flux-cold-"));
process.env.GOCACHE = join(scratch, "go-build");
process.env.JORE4_FLUX_TOOLS_CACHE = join(scratch, "tools");
const root = mkdtempSync(join(tmpdir(), "jore4-flux-cold-root-"));
let total = 0;
try {
  for (const tool of goTools.filter((candidate) => candidate.forTests)) {
    const started = performance.now();
    await installTool({ ...processContext(), stderr: { write: () => {} } }, root, tool);
    const seconds = (performance.now() - started) / 1000;
    total += seconds;
    console.log(`${tool.name.padEnd(15)} ${tool.version.padEnd(9)} ${seconds.toFixed(0).padStart(5)} s`);
  }
  console.log(`${"total".padEnd(25)} ${total.toFixed(0).padStart(5)} s (cold Go build cache, 2 cores)`);
} finally {
  for (const dir of [scratch, root]) rmSync(dir, { recursive: true, force: true });
}
