import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { stringify } from "yaml";
import type { StageConfig } from "../../src/config/project.ts";
import type { KubeObject } from "../../src/kube/object.ts";
import { valuesSchema } from "../../src/values/schema.ts";
import { parseYamlSource, parseYamlStream } from "../../src/io/yaml-source.ts";
import { runRule } from "../../src/validate/check.ts";
import type { Finding, ManifestObject, StageInput, StageRule } from "../../src/validate/finding.ts";
import { deprecatedApi } from "../../src/validate/rules/deprecated-api.ts";
import { stageRules } from "../../src/validate/rules/index.ts";
import { kustomizeBuildRule } from "../../src/validate/rules/kustomize-build.ts";
import { imagePinned, unpinnedReason } from "../../src/validate/rules/image-pinned.ts";
import { ingressBackend } from "../../src/validate/rules/ingress-backend.ts";
import { ingressRegex } from "../../src/validate/rules/ingress-regex.ts";
import { kindHostPorts } from "../../src/validate/rules/kind-host-ports.ts";
import { kustomizationFiles } from "../../src/validate/rules/kustomization-files.ts";
import { nodePorts } from "../../src/validate/rules/node-ports.ts";
import { isSecretLookingKey, plaintextSecrets } from "../../src/validate/rules/plaintext-secrets.ts";
import { podReferences } from "../../src/validate/rules/pod-references.ts";
import { probes } from "../../src/validate/rules/probes.ts";
import { resources } from "../../src/validate/rules/resources.ts";
import { serviceHostnames } from "../../src/validate/rules/service-hostnames.ts";
import { serviceSelector } from "../../src/validate/rules/service-selector.ts";
import { parsedObject } from "../../src/validate/stage-files.ts";
import { SchemaIndex } from "../../src/validate/schema-index.ts";

/** A small, correct stage: every rule passes on it; each test breaks one thing. */
function baseObjects(): KubeObject[] {
  const labels = { app: "jore4-api" };
  return [
    { apiVersion: "v1", kind: "Namespace", metadata: { name: "ns" } },
    {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "jore4-api-env", namespace: "ns", labels },
      data: { DB_HOSTNAME: "jore4-db", SECRET_STORE_BASE_PATH: "/mnt/secrets-store" },
    },
    {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "jore4-api", namespace: "ns", labels },
      spec: {
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            containers: [
              {
                name: "api",
                image: "hsldevcom/api:main--0123456789abcdef0123456789abcdef01234567",
                envFrom: [{ configMapRef: { name: "jore4-api-env" } }],
                livenessProbe: { httpGet: { path: "/", port: 8080 } },
                readinessProbe: { httpGet: { path: "/", port: 8080 } },
                resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } },
              },
            ],
          },
        },
      },
    },
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "jore4-api", namespace: "ns", labels },
      spec: { type: "NodePort", selector: labels, ports: [{ port: 8080, targetPort: 8080, nodePort: 30100 }] },
    },
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "jore4-db", namespace: "ns" },
      spec: { selector: labels, ports: [{ port: 5432 }] },
    },
    {
      apiVersion: "networking.k8s.io/v1",
      kind: "Ingress",
      metadata: {
        name: "jore4-ingress",
        namespace: "ns",
        annotations: {
          "nginx.ingress.kubernetes.io/use-regex": "true",
          "nginx.ingress.kubernetes.io/rewrite-target": "/$2",
        },
      },
      spec: {
        ingressClassName: "nginx",
        rules: [
          {
            http: {
              paths: [
                {
                  path: "/api(/|$)(.*)",
                  pathType: "ImplementationSpecific",
                  backend: { service: { name: "jore4-api", port: { number: 8080 } } },
                },
              ],
            },
          },
        ],
      },
    },
  ];
}

const valuesText =
  "namespace: ns\ningress:\n  hostPort: 3300\nservices:\n  api:\n    image: hsldevcom/api:1.0.0\n    containerPort: 8080\n    serviceType: NodePort\n    nodePort: 30100\n    hostPort: 3002\n";

function stageOf(
  objects: KubeObject[],
  options: { platform?: StageConfig["platform"]; values?: string; fileNames?: string[]; resources?: string[] } = {},
): StageInput {
  const file = "clusters/s/all.yaml";
  const text = objects.map((object) => `---\n${stringify(object)}`).join("");
  const items: ManifestObject[] = parseYamlStream(file, text).map((source) => parsedObject(file, source));
  const kustomizationText = stringify({
    apiVersion: "kustomize.config.k8s.io/v1beta1",
    kind: "Kustomization",
    resources: options.resources ?? ["all.yaml"],
  });
  const kustomizationSource = parseYamlSource("clusters/s/kustomization.yaml", kustomizationText);
  const valuesSource = parseYamlSource("values/s.yaml", options.values ?? valuesText);
  return {
    stage: {
      name: "s",
      platform: options.platform ?? "kind",
      branch: "s",
      promotedFrom: "main",
      fluxSync: false,
      confirm: false,
    },
    values: valuesSchema.parse(valuesSource.value),
    valuesSources: [valuesSource],
    dir: "clusters/s",
    fileNames: options.fileNames ?? ["all.yaml", "kustomization.yaml"],
    objects: items,
    kustomization: parsedObject("clusters/s/kustomization.yaml", kustomizationSource),
  };
}

function findings(rule: StageRule, stage: StageInput): Finding[] {
  return runRule(rule, stage).map((entry) => entry.finding);
}

function mutate(change: (objects: KubeObject[]) => void): KubeObject[] {
  const objects = baseObjects();
  change(objects);
  return objects;
}

const byKind = (objects: KubeObject[], kind: string, name?: string) =>
  objects.find((object) => object.kind === kind && (!name || object.metadata.name === name)) as any;

function assertOne(list: Finding[], rule: string, object: string | undefined, path: string | undefined): Finding {
  assert.equal(list.length, 1, `expected one finding, got: ${JSON.stringify(list, null, 1)}`);
  const [finding] = list as [Finding];
  assert.equal(finding.rule, rule);
  assert.equal(finding.object, object);
  assert.equal(finding.path, path);
  assert.ok(finding.line && finding.line > 1, "a finding names its line");
  return finding;
}

const schemas = new SchemaIndex({
  kubernetes: { kinds: {}, definitions: {} },
  crds: [
    {
      name: "secretproviderclasses.secrets-store.csi.x-k8s.io",
      group: "secrets-store.csi.x-k8s.io",
      kind: "SecretProviderClass",
      versions: {
        v1: { served: true, deprecated: false, schema: {} },
        v1alpha1: { served: true, deprecated: true, schema: {} },
      },
    },
  ],
});
// Every rule the stage check runs, except the comparison with kustomize's output (its own test: check-kustomize).
const everyRule = stageRules(schemas).filter((rule) => rule !== kustomizeBuildRule);

describe("check rules on a correct stage", () => {
  for (const platform of ["kind", "aks"] as const) {
    it(`every rule passes (${platform})`, () => {
      const stage = stageOf(baseObjects(), { platform });
      for (const rule of everyRule) assert.deepEqual(findings(rule, stage), [], rule.id);
    });
  }
});

describe("reference checks", () => {
  it("ingress-backend: an unknown Service name", () => {
    const stage = stageOf(
      mutate((objects) => (byKind(objects, "Ingress").spec.rules[0].http.paths[0].backend.service.name = "jore4-apii")),
    );
    assertOne(
      findings(ingressBackend, stage),
      "ingress-backend",
      "Ingress/ns/jore4-ingress",
      "spec.rules[0].http.paths[0].backend.service.name",
    );
  });
  it("ingress-backend: a port the Service does not expose", () => {
    const stage = stageOf(
      mutate((objects) => (byKind(objects, "Ingress").spec.rules[0].http.paths[0].backend.service.port.number = 8081)),
    );
    const finding = assertOne(
      findings(ingressBackend, stage),
      "ingress-backend",
      "Ingress/ns/jore4-ingress",
      "spec.rules[0].http.paths[0].backend.service.port.number",
    );
    assert.match(finding.message, /no port 8081; it exposes 8080/);
  });
  it("service-selector: a selector that matches no pods", () => {
    const stage = stageOf(
      mutate((objects) => (byKind(objects, "Service", "jore4-api").spec.selector = { app: "jore4-apx" })),
    );
    assertOne(findings(serviceSelector, stage), "service-selector", "Service/ns/jore4-api", "spec.selector");
  });
  it("service-selector: every label of the selector, in the Service's namespace", () => {
    const withTier = (objects: KubeObject[]) => {
      const template = byKind(objects, "Deployment").spec.template;
      template.metadata.labels = { ...template.metadata.labels, tier: "web" };
      return objects;
    };
    const selecting = (selector: Record<string, string>, namespace = "ns") =>
      stageOf(
        mutate((objects) => {
          withTier(objects);
          const service = byKind(objects, "Service", "jore4-api");
          service.spec.selector = selector;
          service.metadata.namespace = namespace;
        }),
      );
    assert.deepEqual(findings(serviceSelector, selecting({ app: "jore4-api", tier: "web" })), []);
    assert.deepEqual(findings(serviceSelector, selecting({ tier: "web", app: "jore4-api" })), []);
    assertOne(
      findings(serviceSelector, selecting({ app: "jore4-api", tier: "db" })),
      "service-selector",
      "Service/ns/jore4-api",
      "spec.selector",
    );
    assertOne(
      findings(serviceSelector, selecting({ app: "jore4-api" }, "other")),
      "service-selector",
      "Service/other/jore4-api",
      "spec.selector",
    );
  });
  it("pod-references: a missing ConfigMap", () => {
    const stage = stageOf(
      mutate(
        (objects) =>
          (byKind(objects, "Deployment").spec.template.spec.containers[0].envFrom[0].configMapRef.name =
            "jore4-api-envv"),
      ),
    );
    assertOne(
      findings(podReferences, stage),
      "pod-references",
      "Deployment/ns/jore4-api",
      "spec.template.spec.containers[0].envFrom[0].configMapRef.name",
    );
  });
  it("pod-references: a missing SecretProviderClass", () => {
    const stage = stageOf(
      mutate(
        (objects) =>
          (byKind(objects, "Deployment").spec.template.spec.volumes = [
            {
              name: "s",
              csi: {
                driver: "secrets-store.csi.k8s.io",
                volumeAttributes: { secretProviderClass: "jore4-api-secrets" },
              },
            },
          ]),
      ),
    );
    assertOne(
      findings(podReferences, stage),
      "pod-references",
      "Deployment/ns/jore4-api",
      "spec.template.spec.volumes[0].csi.volumeAttributes.secretProviderClass",
    );
  });
  it("kustomization-files: a listed file that is missing, and a file not listed", () => {
    const missing = findings(kustomizationFiles, stageOf(baseObjects(), { resources: ["all.yaml", "gone.yaml"] }));
    assertOne(missing, "kustomization-files", "Kustomization/(no name)", "resources[1]");
    const unlisted = findings(
      kustomizationFiles,
      stageOf(baseObjects(), { fileNames: ["all.yaml", "extra.yaml", "kustomization.yaml"] }),
    );
    assertOne(unlisted, "kustomization-files", "Kustomization/(no name)", "resources");
  });
  it("node-ports: a duplicate node port", () => {
    const stage = stageOf(
      mutate(
        (objects) =>
          (byKind(objects, "Service", "jore4-db").spec = {
            type: "NodePort",
            selector: { app: "jore4-api" },
            ports: [{ port: 5432, nodePort: 30100 }],
          }),
      ),
    );
    assertOne(findings(nodePorts, stage), "node-ports", "Service/ns/jore4-db", "spec.ports[0].nodePort");
  });
  it("node-ports: a node port out of range", () => {
    const stage = stageOf(mutate((objects) => (byKind(objects, "Service", "jore4-api").spec.ports[0].nodePort = 8080)));
    assertOne(findings(nodePorts, stage), "node-ports", "Service/ns/jore4-api", "spec.ports[0].nodePort");
  });
  it("kind-host-ports: a host port mapped to a node port no Service has", () => {
    const stage = stageOf(
      mutate((objects) => (byKind(objects, "Service", "jore4-api").spec.ports[0].nodePort = 30200)),
    );
    const finding = assertOne(findings(kindHostPorts, stage), "kind-host-ports", undefined, "services.api.hostPort");
    assert.equal(finding.file, "values/s.yaml");
  });
  it("kind-host-ports: the ingress host port without an Ingress", () => {
    const stage = stageOf(baseObjects().filter((object) => object.kind !== "Ingress"));
    assertOne(findings(kindHostPorts, stage), "kind-host-ports", undefined, "ingress.hostPort");
  });
  it("service-hostnames: a host name that names no Service", () => {
    const stage = stageOf(mutate((objects) => (byKind(objects, "ConfigMap").data.DB_HOSTNAME = "testdb")));
    assertOne(findings(serviceHostnames, stage), "service-hostnames", "ConfigMap/ns/jore4-api-env", "data.DB_HOSTNAME");
  });
  it("service-hostnames: in-cluster DNS forms pass, external names are not checked", () => {
    for (const host of ["jore4-db.ns", "jore4-db.ns.svc", "jore4-db.ns.svc.cluster.local:5432", "db.example.com"]) {
      const stage = stageOf(mutate((objects) => (byKind(objects, "ConfigMap").data.DB_HOSTNAME = host)));
      assert.deepEqual(findings(serviceHostnames, stage), [], host);
    }
  });
});

describe("safety rules", () => {
  it("no-plaintext-secrets: a secret-looking env key on an AKS stage, not on kind", () => {
    const objects = mutate((list) => (byKind(list, "ConfigMap").data.DB_PASSWORD = "hunter2"));
    assertOne(
      findings(plaintextSecrets, stageOf(objects, { platform: "aks" })),
      "no-plaintext-secrets",
      "ConfigMap/ns/jore4-api-env",
      "data.DB_PASSWORD",
    );
    assert.deepEqual(findings(plaintextSecrets, stageOf(objects, { platform: "kind" })), []);
  });
  it("no-plaintext-secrets: a secret-looking value under an innocent key", () => {
    const objects = mutate(
      (list) => (byKind(list, "ConfigMap").data.DATABASE_URL = "postgres://admin:hunter2@db:5432/app"),
    );
    assertOne(
      findings(plaintextSecrets, stageOf(objects, { platform: "aks" })),
      "no-plaintext-secrets",
      "ConfigMap/ns/jore4-api-env",
      "data.DATABASE_URL",
    );
  });
  it("no-plaintext-secrets: a Secret with data in git on AKS", () => {
    const objects = [
      ...baseObjects(),
      { apiVersion: "v1", kind: "Secret", metadata: { name: "x", namespace: "ns" }, stringData: { token: "abc" } },
    ];
    assertOne(
      findings(plaintextSecrets, stageOf(objects, { platform: "aks" })),
      "no-plaintext-secrets",
      "Secret/ns/x",
      "stringData",
    );
  });
  it("secret-looking keys: the last word decides", () => {
    assert.deepEqual(
      [
        "DB_PASSWORD",
        "clientSecret",
        "API_KEY",
        "SECRET_STORE_BASE_PATH",
        "KEY_VAULT_NAME",
        "HASURA_GRAPHQL_ADMIN_SECRET",
      ].map(isSecretLookingKey),
      [true, true, true, false, false, true],
    );
  });
  it("image-pinned: latest and no tag fail on AKS; commit and version tags and digests pass", () => {
    for (const image of ["hsldevcom/api:latest", "hsldevcom/api", "hsldevcom/api:main", "hsldevcom/api:v2"]) {
      const objects = mutate((list) => (byKind(list, "Deployment").spec.template.spec.containers[0].image = image));
      assertOne(
        findings(imagePinned, stageOf(objects, { platform: "aks" })),
        "image-pinned",
        "Deployment/ns/jore4-api",
        "spec.template.spec.containers[0].image",
      );
      assert.deepEqual(
        findings(imagePinned, stageOf(objects, { platform: "kind" })),
        [],
        "kind stages may use moving tags",
      );
    }
    for (const image of [
      "postgis/postgis:12-3.1-alpine",
      "hsldevcom/jore4-ui:fix-docker-css--72224fc7574d8fb4486b43d8abc6afcf1b7f14c6",
      `nginx@sha256:${"a".repeat(64)}`,
    ])
      assert.equal(unpinnedReason(image), undefined, image);
  });
  it("probes: a container without a readiness probe", () => {
    const objects = mutate((list) => delete byKind(list, "Deployment").spec.template.spec.containers[0].readinessProbe);
    assertOne(
      findings(probes, stageOf(objects)),
      "probes",
      "Deployment/ns/jore4-api",
      "spec.template.spec.containers[0].readinessProbe",
    );
  });
  it("resources: a container without requests", () => {
    const objects = mutate(
      (list) => delete byKind(list, "Deployment").spec.template.spec.containers[0].resources.requests,
    );
    const finding = assertOne(
      findings(resources, stageOf(objects)),
      "resources",
      "Deployment/ns/jore4-api",
      "spec.template.spec.containers[0].resources",
    );
    assert.equal(finding.severity, "warning");
  });
  it("resources: a LimitRange of the namespace fills in the defaults", () => {
    const objects = mutate((list) => {
      delete byKind(list, "Deployment").spec.template.spec.containers[0].resources;
      list.push({
        apiVersion: "v1",
        kind: "LimitRange",
        metadata: { name: "defaults", namespace: "ns" },
        spec: {
          limits: [{ type: "Container", defaultRequest: { cpu: "100m", memory: "128Mi" }, default: { memory: "1Gi" } }],
        },
      });
    });
    assert.deepEqual(findings(resources, stageOf(objects)), []);
  });
  it("ingress-regex: a regex path with pathType Prefix", () => {
    const objects = mutate((list) => (byKind(list, "Ingress").spec.rules[0].http.paths[0].pathType = "Prefix"));
    assertOne(
      findings(ingressRegex, stageOf(objects)),
      "ingress-regex",
      "Ingress/ns/jore4-ingress",
      "spec.rules[0].http.paths[0].pathType",
    );
  });
  it("ingress-regex: a regex path without use-regex", () => {
    const objects = mutate(
      (list) => delete byKind(list, "Ingress").metadata.annotations["nginx.ingress.kubernetes.io/use-regex"],
    );
    assertOne(
      findings(ingressRegex, stageOf(objects)),
      "ingress-regex",
      "Ingress/ns/jore4-ingress",
      "metadata.annotations",
    );
  });
  it("ingress-regex: AGIC accepts a trailing /* only", () => {
    const agic = (path: string) =>
      mutate((list) => {
        const ingress = byKind(list, "Ingress");
        ingress.metadata.annotations = {};
        ingress.spec.ingressClassName = "azure-application-gateway";
        ingress.spec.rules[0].http.paths[0].path = path;
      });
    assert.deepEqual(findings(ingressRegex, stageOf(agic("/api/*"))), []);
    assertOne(
      findings(ingressRegex, stageOf(agic("/api(/|$)(.*)"))),
      "ingress-regex",
      "Ingress/ns/jore4-ingress",
      "spec.rules[0].http.paths[0].path",
    );
  });
  it("deprecated-api: a removed built-in version and a CRD version marked deprecated", () => {
    const ingress = mutate((list) => (byKind(list, "Ingress").apiVersion = "networking.k8s.io/v1beta1"));
    const finding = assertOne(
      findings(deprecatedApi(schemas), stageOf(ingress)),
      "deprecated-api",
      "Ingress/ns/jore4-ingress",
      "apiVersion",
    );
    assert.match(finding.message, /use networking\.k8s\.io\/v1/);
    const spc = [
      ...baseObjects(),
      {
        apiVersion: "secrets-store.csi.x-k8s.io/v1alpha1",
        kind: "SecretProviderClass",
        metadata: { name: "x", namespace: "ns" },
        spec: {},
      },
    ];
    assertOne(
      findings(deprecatedApi(schemas), stageOf(spc)),
      "deprecated-api",
      "SecretProviderClass/ns/x",
      "apiVersion",
    );
  });
});

it("a finding names the file and the line of the field", () => {
  const objects = mutate((list) => (byKind(list, "Service", "jore4-api").spec.selector = { app: "nope" }));
  const [finding] = findings(serviceSelector, stageOf(objects));
  const text = objects.map((object) => `---\n${stringify(object)}`).join("");
  const serviceStart = text.indexOf("kind: Service\nmetadata:\n  name: jore4-api");
  const expectedLine = text.slice(0, text.indexOf("  selector:", serviceStart)).split("\n").length;
  assert.equal(finding?.file, "clusters/s/all.yaml");
  assert.equal(finding?.line, expectedLine);
  assert.equal(finding?.column, 3);
});

describe("rule boundaries and false alarms", () => {
  const withNodePort = (nodePort: number) =>
    stageOf(mutate((objects) => (byKind(objects, "Service", "jore4-api").spec.ports[0].nodePort = nodePort)));

  it("node-ports: 30000 and 32767 are in the range, 29999 and 32768 are not", () => {
    for (const nodePort of [30000, 32767])
      assert.deepEqual(findings(nodePorts, withNodePort(nodePort)), [], `${nodePort}`);
    for (const nodePort of [29999, 32768]) {
      const finding = assertOne(
        findings(nodePorts, withNodePort(nodePort)),
        "node-ports",
        "Service/ns/jore4-api",
        "spec.ports[0].nodePort",
      );
      assert.equal(finding.message, `node port ${nodePort} is outside 30000-32767`);
    }
  });

  it("probes: a Job and a CronJob run to completion and need none; the same container in a StatefulSet does", () => {
    const container = { name: "migrate", image: "hsldevcom/api:1.0.0" };
    const podSpec = { template: { spec: { restartPolicy: "Never", containers: [container] } } };
    const workloads = [
      { apiVersion: "batch/v1", kind: "Job", metadata: { name: "migrate", namespace: "ns" }, spec: podSpec },
      {
        apiVersion: "batch/v1",
        kind: "CronJob",
        metadata: { name: "nightly", namespace: "ns" },
        spec: { schedule: "0 3 * * *", jobTemplate: { spec: podSpec } },
      },
    ];
    assert.deepEqual(findings(probes, stageOf([...baseObjects(), ...workloads])), []);
    const statefulSet = {
      apiVersion: "apps/v1",
      kind: "StatefulSet",
      metadata: { name: "db", namespace: "ns" },
      spec: { serviceName: "db", selector: {}, template: { spec: { containers: [container] } } },
    };
    assert.deepEqual(
      findings(probes, stageOf([...baseObjects(), statefulSet])).map((finding) => [finding.object, finding.path]),
      [
        ["StatefulSet/ns/db", "spec.template.spec.containers[0].livenessProbe"],
        ["StatefulSet/ns/db", "spec.template.spec.containers[0].readinessProbe"],
      ],
    );
  });

  it("no-plaintext-secrets: a container's inline env value is scanned, a valueFrom or an innocent key is not", () => {
    const withEnv = (env: unknown[]) =>
      stageOf(
        mutate((objects) => (byKind(objects, "Deployment").spec.template.spec.containers[0].env = env)),
        { platform: "aks" },
      );
    const finding = assertOne(
      findings(
        plaintextSecrets,
        withEnv([
          { name: "LOG_LEVEL", value: "info" },
          { name: "DB_PASSWORD", value: "hunter2" },
        ]),
      ),
      "no-plaintext-secrets",
      "Deployment/ns/jore4-api",
      "spec.template.spec.containers[0].env[1].value",
    );
    assert.equal(finding.message, "DB_PASSWORD looks like a secret and has a plaintext value");
    assert.deepEqual(
      findings(
        plaintextSecrets,
        withEnv([
          { name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: "db", key: "password" } } },
          { name: "LOG_LEVEL", value: "info" },
        ]),
      ),
      [],
    );
  });

  it("ingress-backend: a backend may name the Service's port by its name; an unknown name is reported", () => {
    const byName = (name: string) =>
      stageOf(
        mutate((objects) => {
          byKind(objects, "Service", "jore4-api").spec.ports[0].name = "http";
          byKind(objects, "Ingress").spec.rules[0].http.paths[0].backend.service.port = { name };
        }),
      );
    assert.deepEqual(findings(ingressBackend, byName("http")), []);
    const finding = assertOne(
      findings(ingressBackend, byName("web")),
      "ingress-backend",
      "Ingress/ns/jore4-ingress",
      "spec.rules[0].http.paths[0].backend.service.port.name",
    );
    assert.equal(finding.message, "Service jore4-api has no port web; it exposes 8080 (http)");
  });

  it("image-pinned: a commit pin is 7 to 64 hex digits with a digit and a letter; `feature-1a` is none", () => {
    const pinned = ["feature--abc1234", `main--${"0123456789abcdef".repeat(4)}`, "v1.2", "2024.05-hotfix"];
    const unpinned = ["feature-1a", "feature-abc123", "feature-deadbeef", "build-1234567", `x-${"a1".repeat(33)}`];
    for (const tag of pinned) assert.equal(unpinnedReason(`hsldevcom/api:${tag}`), undefined, tag);
    for (const tag of unpinned)
      assert.equal(
        unpinnedReason(`hsldevcom/api:${tag}`),
        `'hsldevcom/api:${tag}': tag '${tag}' names no version or commit, so it may move`,
        tag,
      );
  });
});

/** Cases the mutation run over these rules (npm run mutation -- --mutate src/validate/rules/…) found unchecked. */
describe("rules: what the mutation run found unchecked", () => {
  it("image-pinned: every conventional moving tag, in any case, is refused by name", () => {
    const moving = ["latest", "main", "master", "develop", "development", "dev", "stable", "edge", "nightly"];
    moving.push("staging", "test", "prod", "production", "release");
    for (const tag of [...moving, "LATEST", "Main"])
      assert.equal(unpinnedReason(`nginx:${tag}`), `'nginx:${tag}' uses the moving tag '${tag}'`, tag);
    assert.equal(unpinnedReason("nginx"), "'nginx' has no tag, so it runs whatever 'latest' is");
    assert.equal(unpinnedReason("Not An Image"), "'Not An Image' is not an image reference");
  });

  it("image-pinned: a commit id between any of - _ . pins; a version needs digits on both sides of a dot", () => {
    for (const image of ["x:main_4f2a9c1", "x:main.4f2a9c1", "x:v1.2", "x:release-10.0"])
      assert.equal(unpinnedReason(image), undefined, image);
    for (const image of ["x:v1", "x:a.b", "x:4f2a9c1x", "x:1.x"])
      assert.match(unpinnedReason(image) ?? "", /names no version or commit, so it may move$/, image);
  });

  it("node-ports: ports without a node port are not one port used twice", () => {
    const stage = stageOf(
      mutate((objects) => {
        byKind(objects, "Service", "jore4-api").spec.ports = [
          { name: "a", port: 80 },
          { name: "b", port: 81 },
        ];
      }),
    );
    assert.deepEqual(findings(nodePorts, stage), []);
  });

  it("probes: the finding names the container by its name", () => {
    const objects = mutate((list) => delete byKind(list, "Deployment").spec.template.spec.containers[0].readinessProbe);
    const [finding] = findings(probes, stageOf(objects));
    assert.equal(finding?.message, "container api has no readinessProbe");
  });
});
