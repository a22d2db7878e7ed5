import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { crdFiles } from "../../src/cluster/crd-sources.ts";
import { parseObjects } from "../../src/kube/object.ts";
import { fluxInstallation, uninstallSteps } from "../../src/cluster/uninstall-flux.ts";
import { repoRoot } from "../support/repo-fixture.ts";

const objects = parseObjects(readFileSync(join(repoRoot, crdFiles.flux), "utf8"), crdFiles.flux);

test("uninstall removes exactly what crds/flux.yaml installs, grouped by scope", () => {
  const installation = fluxInstallation(objects, "flux-system");
  const crds = objects.filter((object) => object.kind === "CustomResourceDefinition").length;
  assert.equal(installation.crds.length, crds);
  assert.ok(installation.crds.includes("kustomizations.kustomize.toolkit.fluxcd.io"));
  assert.ok(installation.namespaced.includes("deployment.apps/source-controller"));
  assert.ok(
    installation.clusterScoped.every((ref) => /^clusterrole(binding)?\.rbac\.authorization\.k8s\.io\//.test(ref)),
  );
  assert.equal(
    installation.namespaced.length + installation.clusterScoped.length + crds + 1,
    objects.length,
    "everything but the namespace itself, which is deleted last",
  );
});

test("the finalize step PUTs the namespace with its spec finalizers emptied, bound to the stage's context", () => {
  const steps = uninstallSteps(fluxInstallation(objects, "flux-system"), "stage-context");
  const step = steps.finalize({
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name: "flux-system", resourceVersion: "7" },
    spec: { finalizers: ["kubernetes"] },
  });
  assert.deepEqual(step.argv, [
    "kubectl",
    "--context",
    "stage-context",
    "replace",
    "--raw",
    "/api/v1/namespaces/flux-system/finalize",
    "-f",
    "-",
  ]);
  assert.deepEqual(JSON.parse(step.input!), {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name: "flux-system", resourceVersion: "7" },
    spec: { finalizers: [] },
  });
});
