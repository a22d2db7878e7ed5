import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  overrideImages,
  prunableTypes,
  pruneCandidates,
  resolveImageOverrides,
  semanticChanges,
  stageLabel,
  withStageLabel,
} from "../../src/cluster/objects.ts";
import { parseImageOverride } from "../../src/values/image-reference.ts";
import { objectId, parseObjects, type KubeObject } from "../../src/kube/object.ts";
import { imageName } from "../../src/values/image-reference.ts";
import { formatCommand, formatSteps } from "../../src/cluster/step.ts";

const deployment = (name: string, image: string): KubeObject => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name, namespace: "ns" },
  spec: { template: { spec: { containers: [{ name: "c", image }] } } },
});
const imageOf = (object: KubeObject) =>
  (object.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers[0]!.image;

describe("objects to apply", () => {
  test("image names drop tag and digest, keeping registry ports", () => {
    assert.equal(imageName("hsldevcom/jore4-ui:abc"), "hsldevcom/jore4-ui");
    assert.equal(imageName("registry:5000/jore4-ui@sha256:00"), "registry:5000/jore4-ui");
    assert.equal(imageName("registry:5000/jore4-ui"), "registry:5000/jore4-ui");
  });

  test("image overrides by service, image name or bare image; an override matching nothing is an error", () => {
    const objects = [
      deployment("jore4-ui", "hsldevcom/jore4-ui:old"),
      deployment("jore4-auth", "hsldevcom/jore4-auth:old"),
    ];
    const overrides = resolveImageOverrides(
      [parseImageOverride("ui=mirror.example.org/ui:new"), parseImageOverride("hsldevcom/jore4-auth:new")],
      { ui: "hsldevcom/jore4-ui:old" },
    );
    const result = overrideImages(objects, overrides);
    assert.deepEqual(result.map(imageOf), ["mirror.example.org/ui:new", "hsldevcom/jore4-auth:new"]);
    assert.equal(imageOf(objects[0]!), "hsldevcom/jore4-ui:old", "the input is not changed");
    assert.throws(
      () => overrideImages(objects, [parseImageOverride("hsldevcom/jore4-hasura:x")]),
      /no container uses image hsldevcom\/jore4-hasura/,
    );
    assert.throws(() => parseImageOverride("ui="), /expected SERVICE=IMAGE/);
  });

  test("every object gets the stage label; prune candidates are labelled live objects no longer wanted", () => {
    const desired = withStageLabel(
      [deployment("a", "x:1"), { apiVersion: "v1", kind: "Service", metadata: { name: "a", namespace: "ns" } }],
      "dev",
    );
    assert.ok(desired.every((object) => object.metadata.labels?.[stageLabel] === "dev"));
    const live = [
      ...desired,
      deployment("gone", "x:1"),
      { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "a", namespace: "ns" } },
    ];
    assert.deepEqual(pruneCandidates(live, desired).map(objectId), ["Deployment/ns/gone", "ConfigMap/ns/a"]);
    assert.deepEqual(prunableTypes(desired), [
      "deployment.apps",
      "service",
      "configmap",
      "secret",
      "ingress.networking.k8s.io",
      "limitrange",
    ]);
    assert.ok(!prunableTypes(desired).includes("namespace"));
  });

  test("the semantic change ignores server bookkeeping and hides Secret values", () => {
    const live: KubeObject = {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "s", namespace: "ns", resourceVersion: "5", uid: "u", managedFields: [] },
      data: { a: "MQ==", b: "Mg==" },
    };
    const same: KubeObject = { ...live, metadata: { name: "s", namespace: "ns", resourceVersion: "6" } };
    assert.equal(semanticChanges([same], new Map([[objectId(live), live]]))[0]!.change, "unchanged");
    const changed: KubeObject = { ...same, data: { a: "MQ==", b: "Mw==" } };
    const [change] = semanticChanges([changed], new Map([[objectId(live), live]]));
    assert.equal(change!.change, "changed");
    assert.match(change!.diff, /- {2}b: "\*\*\* \(before\)"\n\+ {2}b: "\*\*\* \(after\)"/);
    assert.ok(!change!.diff.includes("Mw=="));
    assert.equal(semanticChanges([changed], new Map())[0]!.change, "added");
  });

  test("kustomize output parses into objects; a document without kind is an error", () => {
    assert.equal(
      parseObjects(
        "apiVersion: v1\nkind: A\nmetadata: {name: a}\n---\n---\napiVersion: v1\nkind: B\nmetadata: {name: b}\n",
        "x",
      ).length,
      2,
    );
    assert.throws(
      () => parseObjects("apiVersion: v1\nmetadata: {name: a}\n", "kustomize build x"),
      /kustomize build x: a document without kind/,
    );
  });

  test("dry-run output: numbered, paste-able commands with their input", () => {
    assert.equal(formatCommand(["kubectl", "get", "a b", "it's"]), `kubectl get 'a b' 'it'\\''s'`);
    assert.equal(
      formatSteps([
        { title: "one", argv: ["kubectl", "apply", "-f", "-"], input: "kind: A" },
        { title: "two", argv: ["az", "login"] },
      ]),
      "# 1. one\nkubectl apply -f - <<'EOF'\nkind: A\nEOF\n\n# 2. two\naz login\n",
    );
  });
});
