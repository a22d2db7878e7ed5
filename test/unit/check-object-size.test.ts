import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { memoryFiles } from "../../src/io/source-files.ts";
import { fileText } from "../../src/render/yaml-text.ts";
import { renderProject } from "../../src/generate/render-project.ts";
import { checkRepository } from "../../src/validate/check.ts";
import { loadStoredSchemas } from "../../src/validate/schema-store.ts";
import { shippedFiles } from "../support/repo-fixture.ts";

const schemas = loadStoredSchemas();

/** The shipped configuration with one env value of `size` characters, and clusters/ rendered from it. */
function withEnvValue(size: number): Record<string, string> {
  const values = shippedFiles();
  values["values/common.yaml"] = values["values/common.yaml"]!.replace(
    "      OIDC_PROVIDER_BASE_URL: https://hslid-dev.t5.fi\n",
    `      OIDC_PROVIDER_BASE_URL: https://hslid-dev.t5.fi\n      BLOB: ${"x".repeat(size)}\n`,
  );
  const rendered = renderProject(memoryFiles(values)).stages;
  return {
    ...values,
    ...Object.fromEntries(
      rendered.flatMap((stage) => stage.files.map((file) => [`${stage.dir}/${file.name}`, fileText(file)])),
    ),
  };
}

describe("check: a ConfigMap over Kubernetes' 1 MiB limit", () => {
  it("is an error naming the object", () => {
    const report = checkRepository(memoryFiles(withEnvValue(1024 * 1024)), schemas, ["dev"]);
    const found = report.findings.filter((finding) => finding.rule === "object-size");
    assert.deepEqual(
      found.map((finding) => [finding.severity, finding.file, finding.object]),
      [["error", "clusters/dev/jore4-auth.yaml", "ConfigMap/hsl-jore4/jore4-auth-env"]],
    );
    assert.match(found[0]!.message, /^ConfigMap data is \d+ bytes, over Kubernetes' limit of 1048576 bytes \(1 MiB\)$/);
  });

  it("passes below the limit", () => {
    const report = checkRepository(memoryFiles(withEnvValue(512 * 1024)), schemas, ["dev"]);
    assert.deepEqual(
      report.findings.filter((finding) => finding.rule === "object-size"),
      [],
    );
  });
});
