import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { memoryFiles } from "../../src/io/source-files.ts";
import { checkRepository, errorCount } from "../../src/validate/check.ts";
import { loadStoredSchemas } from "../../src/validate/schema-store.ts";
import { setValue, shippedConfiguration } from "../support/check-fixtures.ts";

describe("a waiver waives its own rule only", () => {
  it("ui's `resources` waiver leaves its `:latest` image on prod an error", () => {
    const withoutDefaults = setValue(shippedConfiguration(), "values/common.yaml", ["defaultResources"], undefined);
    const waived = setValue(
      withoutDefaults,
      "values/common.yaml",
      ["services", "ui", "waivers"],
      [{ rule: "resources", reason: "static files, sized by nginx defaults" }],
    );
    const files = setValue(waived, "values/prod.yaml", ["services", "ui", "image"], "hsldevcom/jore4-ui:latest");
    const report = checkRepository(memoryFiles(files), loadStoredSchemas());
    const ui = report.findings
      .filter((finding) => finding.stage === "prod" && finding.object === "Deployment/hsl-jore4/jore4-ui")
      .map((finding) => [finding.rule, finding.severity, finding.path, finding.waived]);
    assert.deepEqual(ui, [
      ["image-pinned", "error", "spec.template.spec.containers[0].image", undefined],
      ["resources", "warning", "spec.template.spec.containers[0].resources", "static files, sized by nginx defaults"],
    ]);
    assert.ok(errorCount(report) > 0);
  });
});
