import assert from "node:assert/strict";
import { test } from "node:test";
import { containerImages, type DeploymentObject } from "../../src/kube/deployment.ts";
import { parseObjects } from "../../src/kube/object.ts";
import { imageChanges, imagesInManifest, objectChanges } from "../../src/promotion/images.ts";

const deployment = (name: string, image: string, replicas = 1) => `---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: hsl-jore4
spec:
  replicas: ${replicas}
  template:
    spec:
      containers:
        - name: ${name}-image
          image: ${image}
`;

test("images are read from Deployments, keyed by service name (the jore4- prefix dropped)", () => {
  const text = `# Generated\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: jore4-ui-env\ndata:\n  image: not-this\n${deployment("jore4-ui", "hsldevcom/jore4-ui:v1")}`;
  assert.deepEqual(imagesInManifest(text), { ui: "hsldevcom/jore4-ui:v1" });
  assert.deepEqual(imagesInManifest("kind: Service\nmetadata:\n  name: jore4-ui\n"), {});
});

test("manifests in other layouts (flow style, quoted) fall back to a full YAML parse", () => {
  assert.deepEqual(
    imagesInManifest(
      `kind: Deployment\nmetadata: {name: jore4-auth}\nspec: {template: {spec: {containers: [{image: "hsldevcom/jore4-auth:v2"}]}}}\n`,
    ),
    { auth: "hsldevcom/jore4-auth:v2" },
  );
  assert.deepEqual(
    imagesInManifest(
      `kind: Deployment\nmetadata:\n  name: "jore4-auth"\nspec:\n  template:\n    spec:\n      containers:\n        - image: 'hsldevcom/jore4-auth:v3'\n`,
    ),
    { auth: "hsldevcom/jore4-auth:v3" },
  );
});

test("image changes list added, removed and changed services in name order", () => {
  assert.deepEqual(imageChanges({ ui: "a", auth: "x", gone: "g" }, { ui: "b", auth: "x", added: "n" }), [
    { service: "added", from: undefined, to: "n" },
    { service: "gone", from: "g", to: undefined },
    { service: "ui", from: "a", to: "b" },
  ]);
});

test("object changes compare Kubernetes objects, not file text", () => {
  const before = new Map([["clusters/dev/a.yaml", deployment("jore4-ui", "i:1") + deployment("jore4-auth", "j:1")]]);
  const after = new Map([
    ["clusters/dev/ui.yaml", deployment("jore4-ui", "i:1")],
    ["clusters/dev/auth.yaml", deployment("jore4-auth", "j:1", 2)],
    ["clusters/dev/new.yaml", deployment("jore4-new", "n:1")],
  ]);
  assert.deepEqual(objectChanges(before, after), [
    { change: "changed", object: "Deployment/hsl-jore4/jore4-auth", file: "clusters/dev/auth.yaml" },
    { change: "added", object: "Deployment/hsl-jore4/jore4-new", file: "clusters/dev/new.yaml" },
  ]);
});

test("history and status read a stage's images from the same parse: the first of the containers, never an init container's", () => {
  const text = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: jore4-hasura
  namespace: hsl-jore4
spec:
  template:
    spec:
      initContainers:
        - name: wait-for-db
          image: busybox:1.36
      containers:
        - name: jore4-hasura-image
          image: hsldevcom/jore4-hasura:v3
        - name: sidecar
          image: sidecar:1
`;
  const [object] = parseObjects(text, "clusters/dev/hasura.yaml");
  const statusImages = containerImages(object as DeploymentObject);
  assert.deepEqual(statusImages, { "jore4-hasura-image": "hsldevcom/jore4-hasura:v3", sidecar: "sidecar:1" });
  assert.deepEqual(imagesInManifest(text), { hasura: Object.values(statusImages)[0] });
});
