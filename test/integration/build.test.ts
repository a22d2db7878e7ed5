import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseAllDocuments } from "yaml";
import { goTool } from "../../src/tools/catalog.ts";
import { runTool } from "../../src/tools/run.ts";
import { runCli, testContext } from "../support/cli.ts";
import { repoRoot } from "../support/repo-fixture.ts";

interface Built {
  kind: string;
  metadata: { name: string; namespace?: string };
}

async function build(stage: string): Promise<Built[]> {
  const result = await runCli(repoRoot, ["build", stage]);
  assert.equal(result.exitCode, 0, result.stderr);
  return parseAllDocuments(result.stdout).map((document) => document.toJS() as Built);
}

const ids = (objects: Built[]) => objects.map((object) => `${object.kind}/${object.metadata.name}`).sort();

describe("build: the real kustomize build of every stage", () => {
  it("uses the pinned kustomize", async () => {
    assert.match(
      (await runTool(testContext(), repoRoot, { argv: ["kustomize", "version"] })).stdout,
      new RegExp(goTool("kustomize")!.version.replaceAll(".", "\\.")),
    );
  });

  for (const stage of ["playg", "dev", "test", "prod"]) {
    it(`builds ${stage}: services, CSI secrets, AGIC ingress and its Flux sync`, async () => {
      const objects = await build(stage);
      // playg has notifications turned off in jore4-flux.yaml.
      const notifications =
        stage === "playg"
          ? []
          : [
              "Alert/jore4-flux-sync",
              "Deployment/jore4-flux-slack-webhook-sync",
              "Provider/jore4-flux-slack",
              "SecretProviderClass/jore4-flux-slack-webhook",
            ];
      assert.deepEqual(
        ids(objects),
        [
          "ConfigMap/jore4-auth-env",
          "ConfigMap/jore4-hasura-env",
          "Deployment/jore4-auth",
          "Deployment/jore4-hasura",
          "Deployment/jore4-ui",
          "GitRepository/flux-repo",
          "Ingress/jore4-ingress",
          "Kustomization/flux-system-sync",
          "LimitRange/jore4-default-resources",
          "Namespace/hsl-jore4",
          "SecretProviderClass/jore4-auth-secrets",
          "SecretProviderClass/jore4-hasura-secrets",
          "Service/jore4-auth",
          "Service/jore4-hasura",
          "Service/jore4-ui",
          ...notifications,
        ].sort(),
      );
      for (const object of objects) {
        const expected =
          ["GitRepository", "Kustomization", "Alert", "Provider"].includes(object.kind) ||
          object.metadata.name.startsWith("jore4-flux-slack")
            ? "flux-system"
            : object.kind === "Namespace"
              ? undefined
              : "hsl-jore4";
        assert.equal(object.metadata.namespace, expected, `${object.kind}/${object.metadata.name}`);
      }
    });
  }

  it("builds e2e: local secrets, the test database and the nginx ingress, no Flux", async () => {
    assert.deepEqual(ids(await build("e2e")), [
      "ConfigMap/jore4-auth-env",
      "ConfigMap/jore4-hasura-env",
      "ConfigMap/jore4-testdb-env",
      "Deployment/jore4-auth",
      "Deployment/jore4-hasura",
      "Deployment/jore4-testdb",
      "Deployment/jore4-ui",
      "Ingress/jore4-ingress",
      "LimitRange/jore4-default-resources",
      "Namespace/hsl-jore4",
      "Secret/jore4-auth-secrets",
      "Secret/jore4-hasura-secrets",
      "Service/jore4-auth",
      "Service/jore4-hasura",
      "Service/jore4-testdb",
      "Service/jore4-ui",
    ]);
  });

  it("refuses an unknown stage with the list of stages", async () => {
    const result = await runCli(repoRoot, ["build", "staging"]);
    assert.equal(result.exitCode, 2);
    assert.match(
      result.stderr,
      /^error: unknown stage 'staging'; stages in jore4-flux\.yaml: e2e, playg, dev, test, prod$/m,
    );
  });
});
