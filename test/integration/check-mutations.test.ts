import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { memoryFiles } from "../../src/io/source-files.ts";
import { checkRepository, errorCount } from "../../src/validate/check.ts";
import { loadStoredSchemas } from "../../src/validate/schema-store.ts";
import { mutations, shippedFiles, type Files } from "./check-fixtures.ts";

const schemas = loadStoredSchemas();
const check = (files: Files) => checkRepository(memoryFiles(files), schemas);

describe("check on the shipped configuration", () => {
  it("is clean: no errors, no warnings; the waived findings carry their reason", () => {
    const report = check(shippedFiles());
    assert.deepEqual(report.stages, ["e2e", "playg", "dev", "test", "prod"]);
    assert.deepEqual(report.findings.filter((finding) => finding.waived === undefined), []);
    assert.ok(report.findings.every((finding) => finding.rule === "resources" && /not sized yet/.test(finding.waived ?? "")));
  });

  it(`catches each of ${mutations.length} realistic defects with the expected rule`, () => {
    assert.ok(new Set(mutations.map((mutation) => mutation.name)).size >= 15);
    const shipped = shippedFiles();
    for (const mutation of mutations) {
      const report = check(mutation.apply(shipped));
      const caught = report.findings.find(
        (finding) => finding.rule === mutation.rule && finding.stage === mutation.stage && finding.object === mutation.object && (mutation.path === undefined || finding.path === mutation.path) && finding.waived === undefined,
      );
      assert.ok(caught, `${mutation.name}: expected ${mutation.rule} on ${mutation.object ?? "(values)"} ${mutation.path ?? ""} in ${mutation.stage}; got ${JSON.stringify(report.findings.map((finding) => [finding.rule, finding.stage, finding.object, finding.path]))}`);
      assert.ok(errorCount(report) > 0, `${mutation.name}: exits 1`);
    }
  });
});
