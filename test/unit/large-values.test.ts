import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Jore4FluxError } from "../../src/errors.ts";
import { formatProblem } from "../../src/errors.ts";
import { memoryFiles } from "../../src/io/source-files.ts";
import { loadProject } from "../../src/values/load.ts";
import { manyKeyValues } from "../../bench/large-config.ts";
import { shippedFiles } from "../support/repo-fixture.ts";

const shipped = shippedFiles();

/** Loads the shipped configuration with `keys` env keys in common.yaml; returns it and the CPU time this process spent. */
function loadWithKeys(keys: number): { project: ReturnType<typeof loadProject>; cpuMicros: number } {
  const files = memoryFiles({ ...shipped, "values/common.yaml": manyKeyValues(keys, shipped["values/common.yaml"]!) });
  const before = process.cpuUsage();
  const project = loadProject(files);
  const spent = process.cpuUsage(before);
  return { project, cpuMicros: spent.user + spent.system };
}

describe("a values file with many keys (speed figures: npm run bench:large-values)", () => {
  // Before the fix 40k keys took ~100 s: the yaml library's unique-key search, once per key, is
  // quadratic. Bounded by the work done, not by the clock: the CPU time this process spends (which
  // other programs on a busy machine do not add to) for 4× the keys: about 4.5–5.5× here, and 16.5× with that search back.
  it("40 000 env keys load and validate, in time linear in the keys", () => {
    loadWithKeys(10_000); // compiled and warmed up first, so neither measure pays for it
    const small = Math.min(loadWithKeys(10_000).cpuMicros, loadWithKeys(10_000).cpuMicros);
    const { project, cpuMicros: large } = loadWithKeys(40_000);
    const env = project.stages[0]!.values.services.auth!.env;
    assert.equal(env.KEY_39999, "value-39999");
    assert.ok(Object.keys(env).length > 40_000);
    assert.ok(large / small < 10, `4× the keys cost ${(large / small).toFixed(1)}× the CPU time (linear: about 4×)`);
  });

  it("a duplicate key among them is named, with its line", () => {
    const common = manyKeyValues(40_000, shipped["values/common.yaml"]!).replace(
      "      KEY_30000: value-30000\n",
      "      KEY_30000: value-30000\n      KEY_12: again\n",
    );
    assert.throws(
      () => loadProject(memoryFiles({ ...shipped, "values/common.yaml": common })),
      (error: Jore4FluxError) => {
        assert.equal(error.exitCode, 2);
        const line = common.split("\n").indexOf("      KEY_12: again") + 1;
        assert.deepEqual(error.problems.map(formatProblem), [
          `values/common.yaml:${line}:7: invalid YAML: duplicate key 'KEY_12' in one map`,
        ]);
        return true;
      },
    );
  });
});
