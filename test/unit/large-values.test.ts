import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Jore4FluxError } from "../../src/errors.ts";
import { formatProblem } from "../../src/errors.ts";
import { memoryFiles } from "../../src/io/source-files.ts";
import { loadProject } from "../../src/values/load.ts";
import { manyKeyValues } from "../../bench/large-config.ts";
import { shippedFiles } from "../support/repo-fixture.ts";

const shipped = shippedFiles();

describe("a values file with many keys (speed figures: npm run bench:large-values)", () => {
  // Before the fix 40k keys took ~100 s (the yaml library's unique-key search, once per key); the
  // bound (20 s; ~2 s now, 42 s before on this machine) only catches the square coming back.
  it("40 000 env keys load and validate", { timeout: 20_000 }, () => {
    const project = loadProject(
      memoryFiles({ ...shipped, "values/common.yaml": manyKeyValues(40_000, shipped["values/common.yaml"]!) }),
    );
    const env = project.stages[0]!.values.services.auth!.env;
    assert.equal(env.KEY_39999, "value-39999");
    assert.ok(Object.keys(env).length > 40_000);
  });

  it("a duplicate key among them is named, with its line", { timeout: 60_000 }, () => {
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
