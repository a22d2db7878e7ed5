/**
 * Rendering speed: the shipped configuration and a generated 50 stages × 100 services one, each
 * rendered and validated several times in memory, beside real kustomize building the same output.
 * Prints figures; asserts nothing (speed targets live here, not in tests).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { renderProject } from "../src/generate/render-project.ts";
import { memoryFiles } from "../src/io/source-files.ts";
import { writeFiles } from "../src/io/tree.ts";
import type { RenderedStage } from "../src/render/stage.ts";
import { fileText } from "../src/render/yaml-text.ts";
import { kustomizeBuild } from "../src/tools/run.ts";
import { shippedFiles, repoRoot } from "../test/support/repo-fixture.ts";
import { largeConfiguration } from "./large-config.ts";
import { processContext } from "../src/process-context.ts";

function renderAll(files: Record<string, string>): RenderedStage[] {
  const { stages } = renderProject(memoryFiles(files));
  for (const stage of stages) for (const file of stage.files) fileText(file);
  return stages;
}

async function kustomizeSeconds(stages: RenderedStage[]): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), "jore4-flux-bench-"));
  try {
    writeFiles(
      dir,
      stages.flatMap((stage) =>
        stage.files.map((file) => ({ path: `${stage.dir}/${file.name}`, text: fileText(file) })),
      ),
    );
    const started = performance.now();
    for (const stage of stages) await kustomizeBuild(processContext(), repoRoot, join(dir, stage.dir));
    return (performance.now() - started) / 1000;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function measure(name: string, files: Record<string, string>, rounds: number): Promise<void> {
  const stages = renderAll(files); // warm-up, and the output kustomize builds
  const objects = stages.reduce(
    (sum, stage) => sum + stage.files.reduce((count, file) => count + file.objects.length, 0),
    0,
  );
  const started = performance.now();
  for (let round = 0; round < rounds; round += 1) renderAll(files);
  const seconds = (performance.now() - started) / 1000 / rounds;
  const kustomize = await kustomizeSeconds(stages);
  console.log(
    `${name.padEnd(30)} stages ${String(stages.length).padStart(3)}  objects ${String(objects).padStart(6)}  ` +
      `render+validate ${((seconds * 1000) / stages.length).toFixed(2).padStart(8)} ms/stage  ${Math.round(
        objects / seconds,
      )
        .toLocaleString("en")
        .padStart(9)} objects/s  ` +
      `| kustomize build ${((kustomize * 1000) / stages.length).toFixed(1).padStart(7)} ms/stage`,
  );
}

const shipped = shippedFiles();
await measure("shipped jore4 configuration", shipped, 20);
await measure("generated 50 stages x 100 svc", largeConfiguration(50, 100, shipped["jore4-flux.yaml"]!), 3);
