/**
 * Loading a values file with many keys (issue 9, item 10: it grew with the square of the keys).
 * Prints the load time per size and per 1000 keys; linear means the last column stays flat.
 */
import { memoryFiles } from "../src/io/source-files.ts";
import { loadProject } from "../src/values/load.ts";
import { shippedFiles } from "../test/support/repo-fixture.ts";
import { manyKeyValues } from "./large-config.ts";

const shipped = shippedFiles();
loadProject(memoryFiles(shipped)); // warm-up
for (const keys of [5_000, 10_000, 20_000, 40_000, 80_000]) {
  const files = { ...shipped, "values/common.yaml": manyKeyValues(keys, shipped["values/common.yaml"]!) };
  const started = performance.now();
  loadProject(memoryFiles(files));
  const ms = performance.now() - started;
  const megabytes = Buffer.byteLength(files["values/common.yaml"]) / 1e6;
  console.log(
    `values with ${String(keys).padStart(6)} keys (${megabytes.toFixed(1)} MB): load ${ms.toFixed(0).padStart(6)} ms  ${(ms / (keys / 1000)).toFixed(1).padStart(6)} ms per 1000 keys`,
  );
}
