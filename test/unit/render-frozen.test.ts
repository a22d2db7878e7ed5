import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import { renderBundle } from "../../src/compose/bundle.ts";
import { memoryFiles } from "../../src/io/source-files.ts";
import { renderStage } from "../../src/render/stage.ts";
import { fileText } from "../../src/render/yaml-text.ts";
import { checkProject, checkReport, errorCount } from "../../src/validate/check.ts";
import { loadStoredSchemas } from "../../src/validate/schema-store.ts";
import { loadProject } from "../../src/values/load.ts";
import { assertGolden } from "../support/golden.ts";
import { configurationPaths, repoRoot, shippedFiles } from "../support/repo-fixture.ts";

/** Freezes `value` and everything it reaches: in these ES modules (strict mode) a write to it then throws. */
function deepFreeze<T>(value: T, seen = new Set<unknown>()): T {
  if ((typeof value !== "object" && typeof value !== "function") || value === null || seen.has(value)) return value;
  seen.add(value);
  for (const key of Reflect.ownKeys(value)) {
    const descriptor = Object.getOwnPropertyDescriptor(value, key);
    if (descriptor && "value" in descriptor) deepFreeze(descriptor.value, seen);
  }
  return Object.freeze(value);
}

/**
 * Stages may share what they are rendered from (the shared values file's parse, the manifests of
 * manifests/all) and nothing may write to it, nor to objects once rendered: with the loaded model
 * and every stage's rendering frozen, rendering, writing the text and checking read them only.
 */
describe("rendering and checking read the model and the rendered objects only", () => {
  const files = memoryFiles(shippedFiles(configurationPaths));
  const project = deepFreeze(loadProject(files));

  it("renders the shipped configuration from the frozen model: every stage, twice, the committed text", () => {
    const first = project.stages.map((model) => deepFreeze(renderStage(project.config, model)));
    const second = project.stages.map((model) => renderStage(project.config, model));
    for (const [index, rendered] of first.entries())
      for (const [fileIndex, file] of rendered.files.entries()) {
        assertGolden(join(repoRoot, rendered.dir, file.name), fileText(file));
        assert.equal(fileText(second[index]!.files[fileIndex]!), fileText(file));
      }
  });

  it("checks the frozen rendering and bundles without a write, and finds nothing", () => {
    const stages = project.stages.map((model) => deepFreeze(renderStage(project.config, model)));
    const bundles = project.stages
      .filter((model) => model.stage.platform === "kind")
      .map((model) => deepFreeze(renderBundle(project.config, model)));
    const report = checkReport(
      checkProject(files, { project, stages, bundles }, loadStoredSchemas(), { comparing: false }),
    );
    assert.equal(errorCount(report), 0, JSON.stringify(report.findings.slice(0, 3)));
    assert.equal(report.stages.length, project.stages.length);
  });
});
