import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { assertGolden } from "../support/golden.ts";

describe("golden files: UPDATE_GOLDEN=1 rewrites them, except in CI", () => {
  const dir = mkdtempSync(join(tmpdir(), "jore4-flux-golden-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("a different output fails, naming the file and the flag", () => {
    const file = join(dir, "differs.txt");
    writeFileSync(file, "old\n");
    assert.throws(
      () => assertGolden(file, "new\n", {}),
      /output differs from .*differs\.txt \(UPDATE_GOLDEN=1 rewrites it\)/,
    );
  });

  it("UPDATE_GOLDEN=1 on a developer's machine rewrites the file", () => {
    const file = join(dir, "rewritten.txt");
    writeFileSync(file, "old\n");
    assertGolden(file, "new\n", { UPDATE_GOLDEN: "1" });
    assert.equal(readFileSync(file, "utf8"), "new\n");
  });

  it("UPDATE_GOLDEN=1 in CI (CI=true) fails and writes nothing", () => {
    const file = join(dir, "in-ci.txt");
    writeFileSync(file, "old\n");
    assert.throws(() => assertGolden(file, "new\n", { UPDATE_GOLDEN: "1", CI: "true" }), /UPDATE_GOLDEN=1 in CI/);
    assert.equal(readFileSync(file, "utf8"), "old\n");
    assert.throws(() => assertGolden(join(dir, "new.txt"), "new\n", { UPDATE_GOLDEN: "1", CI: "true" }));
    assert.equal(existsSync(join(dir, "new.txt")), false);
  });
});
