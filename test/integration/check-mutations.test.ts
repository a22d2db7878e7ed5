import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { stringify } from "yaml";
import { memoryFiles } from "../../src/io/source-files.ts";
import { checkRepository, errorCount } from "../../src/validate/check.ts";
import { loadStoredSchemas } from "../../src/validate/schema-store.ts";
import {
  mutations,
  regenerate,
  reportedAs,
  setValue,
  shippedConfiguration,
  type Files,
} from "../support/check-fixtures.ts";

const schemas = loadStoredSchemas();
const check = (files: Files) => checkRepository(memoryFiles(files), schemas);

describe("check on the shipped configuration", () => {
  it("is clean: no findings at all", () => {
    const report = check(shippedConfiguration());
    assert.deepEqual(report.stages, ["e2e", "playg", "dev", "test", "prod"]);
    assert.deepEqual(report.findings, []);
  });

  it("a CRD shipped in manifests/ validates its custom resources; without the CRD the kind is unknown", () => {
    const crd = {
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "CustomResourceDefinition",
      metadata: { name: "backups.jore4.hsl.fi" },
      spec: {
        group: "jore4.hsl.fi",
        scope: "Namespaced",
        names: { kind: "Backup", plural: "backups", singular: "backup", listKind: "BackupList" },
        versions: [
          {
            name: "v1",
            served: true,
            storage: true,
            schema: {
              openAPIV3Schema: {
                type: "object",
                properties: {
                  spec: { type: "object", required: ["schedule"], properties: { schedule: { type: "string" } } },
                },
              },
            },
          },
        ],
      },
    };
    const backup = (spec: object) => ({
      apiVersion: "jore4.hsl.fi/v1",
      kind: "Backup",
      metadata: { name: "nightly", namespace: "hsl-jore4" },
      spec,
    });
    const withCrd = (spec: object) =>
      regenerate({
        ...shippedConfiguration(),
        "manifests/dev/backup-crd.yaml": stringify(crd),
        "manifests/dev/backup.yaml": stringify(backup(spec)),
      });
    assert.deepEqual(check(withCrd({ schedule: "0 3 * * *" })).findings, []);
    const wrong = check(withCrd({ schedul: "0 3 * * *" })).findings.map((finding) => [
      finding.rule,
      finding.object,
      finding.path,
    ]);
    assert.deepEqual(wrong, [
      ["schema", "Backup/hsl-jore4/nightly", "spec.schedule"],
      ["schema", "Backup/hsl-jore4/nightly", "spec.schedul"],
    ]);
    const withoutCrd = regenerate({
      ...shippedConfiguration(),
      "manifests/dev/backup.yaml": stringify(backup({ schedule: "x" })),
    });
    assert.deepEqual(
      check(withoutCrd).findings.map((finding) => [finding.rule, finding.object]),
      [["schema-unknown-kind", "Backup/hsl-jore4/nightly"]],
    );
  });

  it("an invalid object rendered alike into every stage is reported in each stage, at its own file and line", () => {
    const configMap = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "extra", namespace: "hsl-jore4" } };
    const files = regenerate({
      ...shippedConfiguration(),
      "manifests/all/extra.yaml": stringify({ ...configMap, dta: { a: "b" } }),
    });
    const found = check(files).findings.map((finding) => [finding.stage, finding.file, finding.line, finding.path]);
    assert.deepEqual(
      found,
      ["e2e", "playg", "dev", "test", "prod"].map((stage) => [stage, `clusters/${stage}/extra-extra.yaml`, 9, "dta"]),
    );
  });

  it("resources: the LimitRange fills in; without it a warning, a waiver with its reason, or an error by configuration", () => {
    const files = setValue(shippedConfiguration(), "values/common.yaml", ["defaultResources"], undefined);
    const warned = check(files);
    assert.equal(errorCount(warned), 0);
    assert.deepEqual(
      [...new Set(warned.findings.map((finding) => `${finding.rule}:${finding.severity}`))],
      ["resources:warning"],
    );
    assert.equal(warned.findings.length, 16);
    const waived = check(
      setValue(
        files,
        "values/common.yaml",
        ["services", "ui", "waivers"],
        [{ rule: "resources", reason: "static files, sized by nginx defaults" }],
      ),
    );
    const ui = waived.findings.filter((finding) => finding.object === "Deployment/hsl-jore4/jore4-ui");
    assert.equal(ui.length, 5);
    assert.ok(ui.every((finding) => finding.waived === "static files, sized by nginx defaults"));
    const strict = {
      ...files,
      "jore4-flux.yaml": `${files["jore4-flux.yaml"]}\ncheck:\n  severity:\n    resources: error\n`,
    };
    assert.equal(errorCount(check(strict)), 16);
    const off = {
      ...files,
      "jore4-flux.yaml": `${files["jore4-flux.yaml"]}\ncheck:\n  severity:\n    resources: "off"\n`,
    };
    assert.deepEqual(check(off).findings, []);
  });

  it(`catches each of ${mutations.length} realistic defects with the expected rule, and reports nothing else`, () => {
    assert.ok(new Set(mutations.map((mutation) => mutation.name)).size >= 15);
    const shipped = shippedConfiguration();
    for (const mutation of mutations) {
      const report = check(mutation.apply(shipped));
      const caught = report.findings.find(
        (finding) =>
          finding.rule === mutation.rule &&
          finding.stage === mutation.stage &&
          finding.object === mutation.object &&
          (mutation.path === undefined || finding.path === mutation.path) &&
          finding.waived === undefined,
      );
      assert.ok(
        caught,
        `${mutation.name}: expected ${mutation.rule} on ${mutation.object ?? "(values)"} ${mutation.path ?? ""} in ${mutation.stage}; got ${JSON.stringify(report.findings.map((finding) => [finding.rule, finding.stage, finding.object, finding.path]))}`,
      );
      assert.ok(errorCount(report) > 0, `${mutation.name}: exits 1`);
      // Exact: the expected finding and the ones it brings along, nothing else.
      const byLine = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
      assert.deepEqual(
        report.findings.map(reportedAs).sort(byLine),
        [reportedAs(caught), ...(mutation.alsoReported ?? [])].sort(byLine),
        `${mutation.name}: nothing else reported`,
      );
    }
  });
});
