import assert from "node:assert/strict";
import { test } from "node:test";
import { ExitCode, Jore4FluxError } from "../../src/errors.ts";
import { memoryFiles } from "../../src/io/source-files.ts";
import { finalStage, pathTo, promotionStep } from "../../src/promotion/order.ts";
import { loadProjectConfig } from "../../src/config/load.ts";

/** The configuration with these stages (YAML list items), the rest as small as it may be. */
const configWith = (stages: string) =>
  loadProjectConfig(
    memoryFiles({
      "jore4-flux.yaml": `
repository: {url: https://example.invalid/jore4-flux, mainBranch: main}
aks: {subscription: s, resourceGroup: "rg-{stage}", cluster: "c-{stage}", context: "c-{stage}", secretStoreDriver: {chartRepository: https://example.invalid/charts, chart: c, version: "1", namespace: secret-store}}
kind: {cluster: k, context: kind-k}
stages:
${stages}`,
    }),
  ).config;

const config = configWith(`  - {name: e2e, platform: kind}
  - {name: dev, platform: aks}
  - {name: test, platform: aks, promotedFrom: dev}
  - {name: prod, platform: aks, promotedFrom: test, branch: production, confirm: true}
`);

test("the promotion path to prod runs main → dev → test → prod, and prod is where hotfixes go", () => {
  const prod = config.stages.find((stage) => stage.name === "prod")!;
  assert.deepEqual(
    pathTo(config, prod).map((stage) => `${stage.promotedFrom}→${stage.branch}`),
    ["main→dev", "dev→test", "test→production"],
  );
  assert.equal(finalStage(config).name, "prod");
});

test("a step accepts stage names or branch names", () => {
  const step = promotionStep(config, "test", "production");
  assert.equal(step.fromBranch, "test");
  assert.equal(step.fromStage?.name, "test");
  assert.equal(step.to.name, "prod");
  assert.equal(promotionStep(config, "main", "e2e").fromStage, undefined);
});

function refusal(from: string, to: string): Jore4FluxError {
  try {
    promotionStep(config, from, to);
  } catch (error) {
    assert.ok(error instanceof Jore4FluxError);
    return error;
  }
  assert.fail(`${from} → ${to} was accepted`);
}

test("skipping a stage is refused with the steps to take", () => {
  const error = refusal("main", "prod");
  assert.equal(error.exitCode, ExitCode.refused);
  assert.equal(error.message, "main → production skips a stage: prod is promoted from test only");
  assert.equal(
    error.hint,
    "promote one stage at a time:\n  jore4-flux promote main dev\n  jore4-flux promote dev test\n  jore4-flux promote test prod",
  );
});

test("promoting against the order, or from something unknown, is refused", () => {
  assert.match(refusal("test", "dev").message, /dev is promoted from main, not from test/);
  assert.equal(refusal("main", "staging").exitCode, ExitCode.invalid);
  assert.equal(refusal("feature", "dev").exitCode, ExitCode.invalid);
});

test("finalStage of two promotion paths of the same length ends in the one configured first: the choice follows the file, not the last one looked at", () => {
  const dev = "  - {name: dev, platform: aks}\n";
  const north = "  - {name: north, platform: aks, promotedFrom: dev}\n";
  const south = "  - {name: south, platform: aks, promotedFrom: dev}\n";
  assert.equal(finalStage(configWith(dev + north + south)).name, "north");
  assert.equal(finalStage(configWith(dev + south + north)).name, "south");
  assert.equal(finalStage(configWith(north + south + dev)).name, "north");
});
