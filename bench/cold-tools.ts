/**
 * How long a fresh machine (CI's worst case) takes to build the tools the tests need: every tool
 * is built with an empty Go build cache and an empty tools cache, in the order and batches of
 * `tools install` (the tools of one wrapper module in one `go build`; later builds reuse what
 * earlier ones compiled, as on CI). Go modules already downloaded are reused (a download is
 * network time, not build time). Prints seconds per build and the total.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { goTools } from "../src/tools/catalog.ts";
import { buildBatches, installTools } from "../src/tools/install.ts";
import { processContext } from "../src/process-context.ts";

const scratch = mkdtempSync(join(tmpdir(), "jore4-flux-cold-"));
process.env.GOCACHE = join(scratch, "go-build");
process.env.JORE4_FLUX_TOOLS_CACHE = join(scratch, "tools");
const root = mkdtempSync(join(tmpdir(), "jore4-flux-cold-root-"));
let total = 0;
try {
  for (const batch of buildBatches(goTools.filter((candidate) => candidate.forTests))) {
    const started = performance.now();
    await installTools({ ...processContext(), stderr: { write: () => {} } }, root, batch);
    const seconds = (performance.now() - started) / 1000;
    total += seconds;
    console.log(
      `${batch.map((tool) => tool.name).join(" + ")} ${batch[0]!.version}`.padEnd(72) +
        `${seconds.toFixed(0).padStart(5)} s`,
    );
  }
  console.log(
    `${"total".padEnd(72)}${total.toFixed(0).padStart(5)} s (cold Go build cache, ${availableParallelism()} cores)`,
  );
} finally {
  for (const dir of [scratch, root]) rmSync(dir, { recursive: true, force: true });
}
