import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, describe, it } from "node:test";
import { execa } from "execa";
import { parseAllDocuments } from "yaml";
import { memoryFiles } from "../../src/io/source-files.ts";
import { locateTool } from "../../src/tools/locate.ts";
import { checkRepository } from "../../src/validate/check.ts";
import { kubeconformTemplate, writeKubeconformSchemas } from "../../src/validate/kubeconform-layout.ts";
import { SchemaIndex } from "../../src/validate/schema-index.ts";
import { loadStoredSchemas } from "../../src/validate/schema-store.ts";
import { mutations, shippedConfiguration, type Files } from "../support/check-fixtures.ts";

const root = join(import.meta.dirname, "..", "..");
const schemas = loadStoredSchemas();
const index = new SchemaIndex(schemas);
const kubeconform = locateTool(process.env, root, "kubeconform").command;
const work = mkdtempSync(join(tmpdir(), "check-kubeconform-"));
after(() => rmSync(work, { recursive: true, force: true }));

/** Objects of the stage folders (the kustomization is kustomize's file, not an object). */
function objectFiles(files: Files): [string, string][] {
  return Object.entries(files).filter(
    ([path]) => path.startsWith("clusters/") && !path.endsWith("/kustomization.yaml"),
  );
}

/** `file|kind|name` → valid?, as kubeconform -strict judges it with our stored schemas. */
async function kubeconformVerdicts(files: Files, name: string): Promise<Map<string, boolean>> {
  const dir = join(work, name);
  const objects = objectFiles(files);
  const kinds = objects.flatMap(([, text]) =>
    parseAllDocuments(text).map((document) => document.toJS() as { apiVersion: string; kind: string }),
  );
  writeKubeconformSchemas(join(dir, "schemas"), index, kinds);
  for (const [path, text] of objects) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  const result = await execa(
    kubeconform[0]!,
    [
      ...kubeconform.slice(1),
      "-strict",
      "-verbose",
      "-output",
      "json",
      "-schema-location",
      kubeconformTemplate(join(dir, "schemas")),
      ...objects.map(([path]) => path),
    ],
    { cwd: dir, reject: false },
  );
  assert.ok(result.exitCode === 0 || result.exitCode === 1, `kubeconform ran: ${result.stderr}`);
  const report = JSON.parse(result.stdout) as {
    resources: { filename: string; kind: string; name: string; status: string }[];
  };
  // The generated header before the first `---` is an empty document to kubeconform.
  return new Map(
    report.resources
      .filter((resource) => resource.status !== "" && resource.status !== "statusEmpty")
      .map((resource) => [`${resource.filename}|${resource.kind}|${resource.name}`, resource.status === "statusValid"]),
  );
}

/** The same objects as `check` judges them: invalid when it has a schema finding on them. */
function checkVerdicts(files: Files): Map<string, boolean> {
  const report = checkRepository(memoryFiles(files), schemas);
  const invalid = new Set(
    report.findings
      .filter((finding) => finding.category === "schema")
      .map((finding) => `${finding.file}|${finding.object?.split("/")[0]}|${finding.object?.split("/").pop()}`),
  );
  return new Map(
    objectFiles(files).flatMap(([path, text]) =>
      parseAllDocuments(text).map((document) => {
        const object = document.toJS() as { kind: string; metadata: { name: string } };
        const key = `${path}|${object.kind}|${object.metadata.name}`;
        return [key, !invalid.has(key)] as const;
      }),
    ),
  );
}

describe("kubeconform agrees with check's schema verdicts", () => {
  it("on the shipped stages: every object valid for both", async () => {
    const files = shippedConfiguration();
    const expected = checkVerdicts(files);
    assert.ok(expected.size > 50);
    assert.ok([...expected.values()].every(Boolean));
    assert.deepEqual(await kubeconformVerdicts(files, "shipped"), expected);
  });

  const schemaMutations = mutations.filter(
    (mutation) => mutation.rule === "schema" || mutation.rule === "schema-unknown-kind",
  );
  it(`on the ${schemaMutations.length} schema mutations: the same objects invalid`, async () => {
    assert.ok(schemaMutations.length >= 5);
    const shipped = shippedConfiguration();
    for (const [number, mutation] of schemaMutations.entries()) {
      const files = mutation.apply(shipped);
      const expected = checkVerdicts(files);
      assert.ok(
        [...expected.values()].some((valid) => !valid),
        `${mutation.name}: check finds it`,
      );
      assert.deepEqual(await kubeconformVerdicts(files, `mutation-${number}`), expected, mutation.name);
    }
  });
});
