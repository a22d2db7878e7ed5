import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { guardContext, kindStage, stageContext } from "../../src/cluster/context-guard.ts";
import { findStage } from "../../src/config/project.ts";
import { aksLoginSteps } from "../../src/cluster/az.ts";
import { secretStoreDriverStep } from "../../src/cluster/helm.ts";
import { ExitCode, Jore4FluxError } from "../../src/errors.ts";
import { memoryFiles } from "../../src/io/source-files.ts";
import { loadProjectConfig } from "../../src/config/load.ts";

/** A configuration with other names than the shipped one: nothing may be hard-coded. */
const { config } = loadProjectConfig(
  memoryFiles({
    "jore4-flux.yaml": `
repository: { url: https://example.org/flux.git }
aks:
  subscription: sub-x
  resourceGroup: rg-{stage}
  cluster: aks-{stage}
  context: ctx-{stage}-aks
  secretStoreDriver: { chartRepository: https://charts.example.org, chart: csi-azure, version: 1.2.3, namespace: csi }
kind: { cluster: local, context: kind-local }
stages:
  - { name: local, platform: kind }
  - { name: qa, platform: aks }
  - { name: live, platform: aks, promotedFrom: qa, confirm: true }
`,
  }),
);

const refused = (run: () => unknown, pattern: RegExp) =>
  assert.throws(
    run,
    (error: unknown) =>
      error instanceof Jore4FluxError && error.exitCode === ExitCode.refused && pattern.test(error.message),
  );

describe("context guard", () => {
  test("each stage's context comes from the configuration's patterns", () => {
    assert.equal(stageContext(config, findStage(config, "qa")), "ctx-qa-aks");
    assert.equal(stageContext(config, findStage(config, "local")), "kind-local");
    assert.equal(kindStage(config).name, "local");
    assert.throws(() => kindStage(config, "qa"), /does not run on kind/);
    assert.throws(() => findStage(config, "dev"), /unknown stage 'dev'; stages in jore4-flux.yaml: local, qa, live/);
  });

  test("the current context must be the stage's", () => {
    assert.equal(guardContext("ctx-qa-aks", { current: "ctx-qa-aks" }, "qa"), "ctx-qa-aks");
    refused(
      () => guardContext("ctx-qa-aks", { current: "ctx-live-aks" }, "qa"),
      /the current kube context is ctx-live-aks, but the stage's context is ctx-qa-aks; nothing was applied/,
    );
    refused(() => guardContext("ctx-qa-aks", {}, "qa"), /the current kube context is not set/);
  });

  test("an explicit --context is checked the same way, and wins over the current one", () => {
    assert.equal(
      guardContext("kind-local", { explicit: "kind-local", current: "ctx-live-aks" }, "local"),
      "kind-local",
    );
    refused(
      () => guardContext("kind-local", { explicit: "ctx-qa-aks", current: "kind-local" }, "local"),
      /--context is ctx-qa-aks, but the stage's context is kind-local/,
    );
  });

  test("a command that only reads is refused in its own words: nothing was read, not 'nothing was applied'", () => {
    assert.throws(
      () => guardContext("ctx-qa-aks", { explicit: "ctx-live-aks" }, "qa", "read"),
      (error: unknown) =>
        error instanceof Jore4FluxError &&
        error.exitCode === ExitCode.refused &&
        error.message ===
          "refusing to read stage qa: --context is ctx-live-aks, but the stage's context is ctx-qa-aks; nothing was read",
    );
  });

  test("login and the Helm step use the configured names", () => {
    const argv = aksLoginSteps(config, findStage(config, "live")).map((step) => step.argv.join(" "));
    assert.deepEqual(argv, [
      "az login",
      "az account set --subscription sub-x",
      "az aks get-credentials --resource-group rg-live --name aks-live --context ctx-live-aks --overwrite-existing",
    ]);
    const helm = secretStoreDriverStep(config, "ctx-qa-aks").argv.join(" ");
    assert.equal(
      helm,
      "helm upgrade --install csi-azure csi-azure --repo https://charts.example.org --version 1.2.3 --namespace csi --create-namespace --take-ownership --kube-context ctx-qa-aks --wait",
    );
  });
});
