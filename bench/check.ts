/**
 * `check` speed: the shipped configuration and a generated 50 stages × 100 services one, checked
 * in memory (render, stale check, parse with positions, schemas, references, safety rules,
 * parity), beside real kubeconform validating the same objects against the same schemas.
 * Prints figures; asserts nothing.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { execa } from "execa";
import { parseAllDocuments } from "yaml";
import { memoryFiles } from "../src/io/source-files.ts";
import { locateTool } from "../src/tools/locate.ts";
import { checkRepository } from "../src/validate/check.ts";
import { kubeconformTemplate, writeKubeconformSchemas } from "../src/validate/kubeconform-layout.ts";
import { SchemaIndex } from "../src/validate/schema-index.ts";
import { loadStoredSchemas } from "../src/validate/schema-store.ts";
import { regenerate, shippedConfiguration, type Files } from "../test/support/check-fixtures.ts";
import { repoRoot } from "../test/support/repo-fixture.ts";
import { largeConfiguration } from "./large-config.ts";

const schemas = loadStoredSchemas();

async function kubeconformSeconds(files: Files): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), "jore4-flux-bench-check-"));
  try {
    const objects = Object.entries(files).filter(
      ([path]) => path.startsWith("clusters/") && !path.endsWith("/kustomization.yaml"),
    );
    const kinds = objects.flatMap(([, text]) =>
      parseAllDocuments(text).map((document) => document.toJS() as { apiVersion: string; kind: string }),
    );
    writeKubeconformSchemas(join(dir, "schemas"), new SchemaIndex(schemas), kinds);
    for (const [path, text] of objects) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    const kubeconform = locateTool(process.env, repoRoot, "kubeconform").command;
    const started = performance.now();
    const result = await execa(
      kubeconform[0]!,
      [
        ...kubeconform.slice(1),
        "-strict",
        "-summary",
        "-schema-location",
        kubeconformTemplate(join(dir, "schemas")),
        "clusters",
      ],
      { cwd: dir, reject: false },
    );
    if (result.exitCode !== 0) throw new Error(`kubeconform: ${result.stdout}${result.stderr}`);
    return (performance.now() - started) / 1000;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function measure(name: string, files: Files, rounds: number): Promise<void> {
  const first = performance.now();
  const report = checkRepository(memoryFiles(files), schemas); // cold: compiles the schemas
  const cold = (performance.now() - first) / 1000;
  const errors = report.findings.filter((finding) => finding.severity === "error").length;
  const started = performance.now();
  for (let round = 0; round < rounds; round += 1) checkRepository(memoryFiles(files), schemas);
  const seconds = (performance.now() - started) / 1000 / rounds;
  const kubeconform = await kubeconformSeconds(files);
  console.log(
    `${name.padEnd(30)} stages ${String(report.stages.length).padStart(3)}  objects ${String(report.objects).padStart(6)}  errors ${errors}  ` +
      `check ${seconds.toFixed(2).padStart(6)} s (cold ${cold.toFixed(2)} s)  ${Math.round(report.objects / seconds)
        .toLocaleString("en")
        .padStart(7)} objects/s  ` +
      `| kubeconform (schemas only) ${kubeconform.toFixed(2).padStart(6)} s`,
  );
}

const shipped = shippedConfiguration();
await measure("shipped jore4 configuration", shipped, 10);
await measure("generated 50 stages x 100 svc", regenerate(largeConfiguration(50, 100, shipped["jore4-flux.yaml"]!)), 1);
