import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { renderProject } from "../../src/generate/render-project.ts";
import { memoryFiles } from "../../src/io/source-files.ts";
import type { KubeObject } from "../../src/kube/object.ts";
import { fileText } from "../../src/render/yaml-text.ts";
import { assertGolden } from "../support/golden.ts";
import { repoRoot, shippedFiles } from "../support/repo-fixture.ts";

const shipped = shippedFiles();
const { stages } = renderProject(memoryFiles(shipped));
const stage = (name: string) => stages.find((rendered) => rendered.stage === name)!;
const objects = (name: string): KubeObject[] => stage(name).files.flatMap((file) => file.objects);
const find = (name: string, kind: string, objectName: string) =>
  objects(name).find((object) => object.kind === kind && object.metadata.name === objectName) as any;

describe("rendering the shipped configuration", () => {
  it("reproduces the committed clusters/ byte for byte (the golden files of every stage)", () => {
    for (const rendered of stages) {
      for (const file of rendered.files) assertGolden(join(repoRoot, rendered.dir, file.name), fileText(file));
    }
  });

  it("is deterministic: the same input renders the same text", () => {
    const again = renderProject(memoryFiles(shipped)).stages;
    assert.deepEqual(
      again.map((rendered) => rendered.files.map(fileText)),
      stages.map((rendered) => rendered.files.map(fileText)),
    );
  });

  it("renders each service as Deployment + Service named jore4-<name>, per the spec", () => {
    const deployment = find("dev", "Deployment", "jore4-auth");
    const container = deployment.spec.template.spec.containers[0];
    assert.equal(container.name, "jore4-auth-image");
    assert.equal(container.image, "hsldevcom/jore4-auth:dockerize--bf95d6d8b7bacfd6b990b2e9d55e4f6a1554879b");
    assert.equal(container.imagePullPolicy, "Always");
    assert.deepEqual(container.readinessProbe, { httpGet: { path: "/actuator/health", port: 8080 } });
    assert.deepEqual(deployment.spec.selector.matchLabels, { app: "jore4-auth" });
    assert.equal(deployment.spec.replicas, 1);
    const service = find("dev", "Service", "jore4-ui");
    assert.deepEqual(service.spec.ports, [{ port: 80, targetPort: 80, protocol: "TCP" }]);
    assert.equal(service.spec.type, "ClusterIP");
  });

  it("mounts AKS secrets from the stage's Key Vault through the CSI driver", () => {
    const provider = find("prod", "SecretProviderClass", "jore4-hasura-secrets");
    assert.equal(provider.apiVersion, "secrets-store.csi.x-k8s.io/v1");
    assert.equal(provider.spec.parameters.keyvaultName, "hsl-jore4-prod-vault");
    assert.equal(provider.spec.parameters.tenantId, "572a41dd-c389-4f0a-b256-aefd1bf149d7");
    assert.match(
      provider.spec.parameters.objects,
      /objectName: hsl-jore4-db-admin-password\n\s+objectType: secret\n\s+objectAlias: db-password/,
    );
    const pod = find("prod", "Deployment", "jore4-hasura").spec.template.spec;
    assert.deepEqual(pod.volumes, [
      {
        name: "secrets-store",
        csi: {
          driver: "secrets-store.csi.k8s.io",
          readOnly: true,
          volumeAttributes: { secretProviderClass: "jore4-hasura-secrets" },
        },
      },
    ]);
    assert.deepEqual(pod.containers[0].volumeMounts, [
      { name: "secrets-store", mountPath: "/mnt/secrets-store", readOnly: true },
    ]);
    assert.equal(
      objects("prod").some((object) => object.kind === "Secret"),
      false,
    );
  });

  it("mounts e2e secrets from a local Secret at the same path", () => {
    const secret = find("e2e", "Secret", "jore4-auth-secrets");
    assert.deepEqual(secret.stringData, {
      "oidc-client-id": "0838619941439007",
      "oidc-client-secret": "9uV5p45F6IZQubCErBiquZYaL7Wm2AWM",
    });
    const pod = find("e2e", "Deployment", "jore4-auth").spec.template.spec;
    assert.deepEqual(pod.volumes, [{ name: "secrets-store", secret: { secretName: "jore4-auth-secrets" } }]);
    assert.deepEqual(pod.containers[0].volumeMounts, [
      { name: "secrets-store", mountPath: "/mnt/secrets-store", readOnly: true },
    ]);
    assert.equal(
      objects("e2e").some((object) => object.kind === "SecretProviderClass"),
      false,
    );
  });

  it("renders the testdb NodePort service on e2e only", () => {
    assert.deepEqual(find("e2e", "Service", "jore4-testdb").spec.ports, [
      { port: 5432, targetPort: 5432, protocol: "TCP", nodePort: 30432 },
    ]);
    assert.equal(find("dev", "Service", "jore4-testdb"), undefined);
  });

  it("routes the AGIC ingress on AKS stages with TLS and the backend prefix rewrite", () => {
    const ingress = find("test", "Ingress", "jore4-ingress");
    assert.equal(ingress.spec.ingressClassName, "azure-application-gateway");
    assert.deepEqual(ingress.metadata.annotations, {
      "appgw.ingress.kubernetes.io/ssl-redirect": "true",
      "appgw.ingress.kubernetes.io/appgw-ssl-certificate": "hsl-jore4-test-cert",
      "appgw.ingress.kubernetes.io/backend-path-prefix": "/",
    });
    const rule = ingress.spec.rules[0];
    assert.equal(rule.host, "test.jore.hsl.fi");
    assert.deepEqual(
      rule.http.paths.map(
        (path: any) => `${path.path} ${path.backend.service.name}:${path.backend.service.port.number}`,
      ),
      ["/api/graphql/* jore4-hasura:8080", "/api/auth/* jore4-auth:8080", "/ jore4-ui:80"],
    );
  });

  it("routes the ingress-nginx ingress on e2e with regex paths and no host", () => {
    const ingress = find("e2e", "Ingress", "jore4-ingress");
    assert.equal(ingress.spec.ingressClassName, "nginx");
    assert.equal(ingress.metadata.annotations["nginx.ingress.kubernetes.io/rewrite-target"], "/$2");
    assert.equal(ingress.spec.rules[0].host, undefined);
    assert.deepEqual(
      ingress.spec.rules[0].http.paths.map((path: any) => `${path.path} ${path.pathType} ${path.backend.service.name}`),
      [
        "/api/graphql(/|$)(.*) ImplementationSpecific jore4-hasura",
        "/api/auth(/|$)(.*) ImplementationSpecific jore4-auth",
        "/()(.*) ImplementationSpecific jore4-ui",
      ],
    );
  });

  it("keeps a Flux sync of its own branch and folder on synced stages only", () => {
    const source = find("test", "GitRepository", "flux-repo");
    assert.deepEqual(source.spec, {
      interval: "1m",
      ref: { branch: "test" },
      url: "https://github.com/HSLdevcom/jore4-flux",
    });
    assert.equal(source.metadata.namespace, "flux-system");
    const sync = find("test", "Kustomization", "flux-system-sync");
    assert.equal(sync.apiVersion, "kustomize.toolkit.fluxcd.io/v1");
    assert.deepEqual(sync.spec, {
      interval: "1m",
      path: "./clusters/test",
      prune: true,
      sourceRef: { kind: "GitRepository", name: "flux-repo" },
    });
    assert.equal(find("e2e", "GitRepository", "flux-repo"), undefined);
  });

  it("lists exactly the stage's other files in kustomization.yaml", () => {
    for (const rendered of stages) {
      const kustomization = rendered.files.find((file) => file.name === "kustomization.yaml")!;
      const others = rendered.files.filter((file) => file !== kustomization).map((file) => file.name);
      assert.deepEqual(kustomization.objects[0]!.resources, others);
    }
  });

  it("heads every file with where it was generated from", () => {
    const text = fileText(stage("dev").files.find((file) => file.name === "jore4-ui.yaml")!);
    assert.match(text, /^# Generated by jore4-flux from values\/common\.yaml, values\/dev\.yaml\.\n/);
  });
});

describe("rendering a configuration with every feature", () => {
  const features = join(repoRoot, "test/golden/features");
  const files = {
    ...shipped,
    "values/common.yaml": readFileSync(join(features, "values-common.yaml"), "utf8"),
    "manifests/dev/quota.yaml": readFileSync(join(features, "manifest-dev-quota.yaml"), "utf8"),
  };
  const rendered = renderProject(memoryFiles(files)).stages;

  it("matches its golden files (replicas, resources, command probes, disabled services, stage manifests)", () => {
    for (const one of rendered.filter((candidate) => ["dev", "e2e"].includes(candidate.stage))) {
      for (const file of one.files) assertGolden(join(features, "out", one.stage, file.name), fileText(file));
    }
  });

  it("notifies Slack from each Flux-synced stage that has it on, the webhook from the stage's Key Vault, never from git", () => {
    for (const name of ["dev", "test", "prod"]) {
      const provider = find(name, "Provider", "jore4-flux-slack");
      assert.deepEqual(provider.spec, {
        type: "slack",
        channel: "jore4-deployments",
        username: `jore4-flux ${name}`,
        secretRef: { name: "jore4-flux-slack-webhook" },
      });
      assert.equal(provider.spec.address, undefined);
      const alert = find(name, "Alert", "jore4-flux-sync");
      assert.equal(alert.spec.eventSeverity, "info", "info sends info and error events");
      assert.deepEqual(alert.spec.eventSources, [
        { kind: "GitRepository", name: "flux-repo" },
        { kind: "Kustomization", name: "flux-system-sync" },
      ]);
      const store = find(name, "SecretProviderClass", "jore4-flux-slack-webhook");
      assert.equal(store.spec.parameters.keyvaultName, `hsl-jore4-${name}-vault`);
      assert.deepEqual(store.spec.secretObjects, [
        { secretName: "jore4-flux-slack-webhook", type: "Opaque", data: [{ objectName: "address", key: "address" }] },
      ]);
      const sync = find(name, "Deployment", "jore4-flux-slack-webhook-sync");
      assert.equal(sync.spec.template.spec.volumes[0].csi.volumeAttributes.secretProviderClass, store.metadata.name);
    }
    assert.equal(find("playg", "Provider", "jore4-flux-slack"), undefined, "playg turns them off");
    assert.equal(find("e2e", "Alert", "jore4-flux-sync"), undefined, "kind stages have no Flux sync");
  });

  it("a stage's own channel, and a Flux-synced stage off AKS gets no SecretProviderClass (its Secret is made by hand)", () => {
    const config = readFileSync(join(repoRoot, "jore4-flux.yaml"), "utf8").replace(
      "  - name: e2e\n    platform: kind\n",
      "  - name: e2e\n    platform: kind\n    fluxSync: true\n    notifications:\n      channel: jore4-e2e\n",
    );
    const rendered = renderProject(memoryFiles({ ...shipped, "jore4-flux.yaml": config })).stages.find(
      (candidate) => candidate.stage === "e2e",
    )!;
    const kinds = rendered.files.find((file) => file.name === "flux-notifications.yaml")!.objects;
    assert.deepEqual(
      kinds.map((object) => object.kind),
      ["Provider", "Alert"],
    );
    assert.equal((kinds[0] as any).spec.channel, "jore4-e2e");
  });
});
