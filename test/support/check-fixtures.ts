/** The shipped configuration in memory, and realistic defects to inject into it (shared by the check tests). */
import assert from "node:assert/strict";
import { parseAllDocuments, parseDocument, stringify } from "yaml";
import { renderProject } from "../../src/generate/render-project.ts";
import { memoryFiles } from "../../src/io/source-files.ts";
import { fileText } from "../../src/render/yaml-text.ts";
import { configurationPaths, shippedFiles } from "./repo-fixture.ts";

export type Files = Record<string, string>;

/** The shipped configuration (config, values, manifests, generated clusters) as in-memory files. */
export const shippedConfiguration = (): Files => shippedFiles(configurationPaths);

/** What `generate` would write: clusters/ and the compose bundles rendered from the (changed) values. */
export function regenerate(files: Files): Files {
  const next = Object.fromEntries(
    Object.entries(files).filter(([path]) => !path.startsWith("clusters/") && !path.startsWith("compose/")),
  );
  const { stages, bundles } = renderProject(memoryFiles(next));
  for (const stage of stages) for (const file of stage.files) next[`${stage.dir}/${file.name}`] = fileText(file);
  for (const bundle of bundles) for (const file of bundle.files) next[file.path] = file.text;
  return next;
}

export function setValue(files: Files, file: string, path: (string | number)[], value: unknown): Files {
  const document = parseDocument(files[file] ?? "");
  if (value === undefined) document.deleteIn(path);
  else document.setIn(path, value);
  return regenerate({ ...files, [file]: document.toString() });
}

/** A hand edit of one object in a generated file (clusters/ goes stale too, as it would). */
function editObject(files: Files, file: string, kind: string, edit: (object: any) => void): Files {
  const documents = parseAllDocuments(files[file] ?? "") as ReturnType<typeof parseDocument>[];
  const objects = documents.map((document) => document.toJS());
  const target = objects.find((object) => object.kind === kind);
  assert.ok(target, `${kind} in ${file}`);
  edit(target);
  return { ...files, [file]: objects.map((object) => `---\n${stringify(object)}`).join("") };
}

function addManifest(files: Files, file: string, object: unknown): Files {
  return regenerate({ ...files, [file]: stringify(object) });
}

export interface Mutation {
  name: string;
  apply(files: Files): Files;
  rule: string;
  stage: string;
  object?: string;
  path?: string;
  /**
   * Every other finding check reports, as reportedAs writes them: the same defect in other stages,
   * and what follows from it (a hand-edited file is stale too). Nothing else may be reported.
   */
  alsoReported?: string[];
}

/** A finding in one line: `rule stage object-or-file path`. */
export const reportedAs = (finding: { rule: string; stage: string; object?: string; file?: string; path?: string }) =>
  `${finding.rule} ${finding.stage} ${finding.object ?? finding.file ?? "-"} ${finding.path ?? "-"}`;

const otherStages = (except: string) => ["e2e", "playg", "dev", "test", "prod"].filter((stage) => stage !== except);
/** The stale-file finding a hand edit of a generated file brings along. */
const stale = (stage: string, file: string) => `generated-up-to-date ${stage} ${file} -`;

const nodePortService = (name: string, nodePort: number) => ({
  apiVersion: "v1",
  kind: "Service",
  metadata: { name, namespace: "hsl-jore4" },
  spec: { type: "NodePort", selector: { app: "jore4-testdb" }, ports: [{ port: 5432, nodePort }] },
});

export const mutations: Mutation[] = [
  {
    // Every YAML reader reads 1.10 as the number 1.1: kubectl and Flux refuse it in a ConfigMap.
    name: "unquoted number in a manifest's ConfigMap data",
    apply: (f) =>
      regenerate({
        ...f,
        "manifests/dev/versions.yaml":
          "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: versions\n  namespace: hsl-jore4\ndata:\n  VERSION: 1.10\n",
      }),
    rule: "schema",
    stage: "dev",
    object: "ConfigMap/hsl-jore4/versions",
    path: "data.VERSION",
  },
  {
    name: "latest image on prod",
    apply: (f) => setValue(f, "values/prod.yaml", ["services", "ui", "image"], "hsldevcom/jore4-ui:latest"),
    rule: "image-pinned",
    stage: "prod",
    object: "Deployment/hsl-jore4/jore4-ui",
    path: "spec.template.spec.containers[0].image",
    alsoReported: ["stage-parity prod values/prod.yaml services.ui.image"],
  },
  {
    name: "image without a tag on dev",
    apply: (f) => setValue(f, "values/dev.yaml", ["services", "auth", "image"], "hsldevcom/jore4-auth"),
    rule: "image-pinned",
    stage: "dev",
    object: "Deployment/hsl-jore4/jore4-auth",
    path: "spec.template.spec.containers[0].image",
    alsoReported: ["stage-parity dev values/dev.yaml services.auth.image"],
  },
  {
    name: "secret in prod env",
    apply: (f) =>
      setValue(f, "values/prod.yaml", ["services", "hasura", "env", "HASURA_GRAPHQL_ADMIN_SECRET"], "hunter2"),
    rule: "no-plaintext-secrets",
    stage: "prod",
    object: "ConfigMap/hsl-jore4/jore4-hasura-env",
    path: "data.HASURA_GRAPHQL_ADMIN_SECRET",
    alsoReported: ["stage-parity prod values/prod.yaml services.hasura.env.HASURA_GRAPHQL_ADMIN_SECRET"],
  },
  {
    name: "database URL with a password in common env",
    apply: (f) =>
      setValue(
        f,
        "values/common.yaml",
        ["services", "hasura", "env", "HASURA_GRAPHQL_DATABASE_URL"],
        "postgres://admin:pw@db:5432/jore4",
      ),
    rule: "no-plaintext-secrets",
    stage: "test",
    object: "ConfigMap/hsl-jore4/jore4-hasura-env",
    path: "data.HASURA_GRAPHQL_DATABASE_URL",
    alsoReported: ["playg", "dev", "prod"].map(
      (stage) => `no-plaintext-secrets ${stage} ConfigMap/hsl-jore4/jore4-hasura-env data.HASURA_GRAPHQL_DATABASE_URL`,
    ),
  },
  {
    name: "Secret manifest on prod",
    apply: (f) =>
      addManifest(f, "manifests/prod/db.yaml", {
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: "db", namespace: "hsl-jore4" },
        stringData: { password: "pw" },
      }),
    rule: "no-plaintext-secrets",
    stage: "prod",
    object: "Secret/hsl-jore4/db",
    path: "stringData",
  },
  {
    name: "drift: replicas overridden in test",
    apply: (f) => setValue(f, "values/test.yaml", ["services", "hasura", "replicas"], 2),
    rule: "stage-parity",
    stage: "test",
    path: "services.hasura.replicas",
  },
  {
    name: "probe removed",
    apply: (f) => setValue(f, "values/common.yaml", ["services", "ui", "probe"], undefined),
    rule: "probes",
    stage: "dev",
    object: "Deployment/hsl-jore4/jore4-ui",
    path: "spec.template.spec.containers[0].livenessProbe",
    alsoReported: [
      "probes dev Deployment/hsl-jore4/jore4-ui spec.template.spec.containers[0].readinessProbe",
      ...otherStages("dev").flatMap((stage) =>
        ["livenessProbe", "readinessProbe"].map(
          (probe) => `probes ${stage} Deployment/hsl-jore4/jore4-ui spec.template.spec.containers[0].${probe}`,
        ),
      ),
    ],
  },
  {
    name: "db host name 'testdb' (the original's value)",
    apply: (f) => setValue(f, "values/e2e.yaml", ["services", "hasura", "secrets", "db-hostname", "local"], "testdb"),
    rule: "service-hostnames",
    stage: "e2e",
    object: "Secret/hsl-jore4/jore4-hasura-secrets",
    path: "stringData.db-hostname",
  },
  {
    // With hasura's dependsOn still naming testdb the values refuse it at once (values tests);
    // dropped as well, the database host name is all that is left to catch it.
    name: "testdb disabled on e2e while hasura still uses it",
    apply: (f) =>
      setValue(
        setValue(f, "values/e2e.yaml", ["services", "hasura", "dependsOn"], undefined),
        "values/e2e.yaml",
        ["services", "testdb", "enabled"],
        false,
      ),
    rule: "service-hostnames",
    stage: "e2e",
    object: "Secret/hsl-jore4/jore4-hasura-secrets",
    path: "stringData.db-hostname",
  },
  {
    name: "node port edited by hand, the kind host port reaches nothing",
    apply: (f) => editObject(f, "clusters/e2e/jore4-testdb.yaml", "Service", (o) => (o.spec.ports[0].nodePort = 30433)),
    rule: "kind-host-ports",
    stage: "e2e",
    path: "services.testdb.hostPort",
    alsoReported: [stale("e2e", "clusters/e2e/jore4-testdb.yaml")],
  },
  {
    name: "waiver of an unknown rule",
    apply: (f) => setValue(f, "values/common.yaml", ["services", "ui", "waivers"], [{ rule: "probe", reason: "typo" }]),
    rule: "waiver",
    stage: "dev",
    path: "services.ui.waivers",
    alsoReported: otherStages("dev").map((stage) => `waiver ${stage} values/common.yaml services.ui.waivers`),
  },
  {
    name: "wrong backend port",
    apply: (f) =>
      editObject(
        f,
        "clusters/dev/ingress.yaml",
        "Ingress",
        (o) => (o.spec.rules[0].http.paths[1].backend.service.port.number = 8081),
      ),
    rule: "ingress-backend",
    stage: "dev",
    object: "Ingress/hsl-jore4/jore4-ingress",
    path: "spec.rules[0].http.paths[1].backend.service.port.number",
    alsoReported: [stale("dev", "clusters/dev/ingress.yaml")],
  },
  {
    name: "typo in a backend Service name",
    apply: (f) =>
      editObject(
        f,
        "clusters/test/ingress.yaml",
        "Ingress",
        (o) => (o.spec.rules[0].http.paths[0].backend.service.name = "jore4-hasra"),
      ),
    rule: "ingress-backend",
    stage: "test",
    object: "Ingress/hsl-jore4/jore4-ingress",
    path: "spec.rules[0].http.paths[0].backend.service.name",
    alsoReported: [stale("test", "clusters/test/ingress.yaml")],
  },
  {
    name: "selector mismatch",
    apply: (f) =>
      editObject(f, "clusters/prod/jore4-auth.yaml", "Service", (o) => (o.spec.selector = { app: "jore4-authh" })),
    rule: "service-selector",
    stage: "prod",
    object: "Service/hsl-jore4/jore4-auth",
    path: "spec.selector",
    alsoReported: [stale("prod", "clusters/prod/jore4-auth.yaml")],
  },
  {
    name: "ConfigMap name typo in envFrom",
    apply: (f) =>
      editObject(
        f,
        "clusters/playg/jore4-hasura.yaml",
        "Deployment",
        (o) => (o.spec.template.spec.containers[0].envFrom[0].configMapRef.name = "jore4-hasura-envs"),
      ),
    rule: "pod-references",
    stage: "playg",
    object: "Deployment/hsl-jore4/jore4-hasura",
    path: "spec.template.spec.containers[0].envFrom[0].configMapRef.name",
    alsoReported: [stale("playg", "clusters/playg/jore4-hasura.yaml")],
  },
  {
    name: "duplicate node port",
    apply: (f) => addManifest(f, "manifests/e2e/db-debug.yaml", nodePortService("db-debug", 30432)),
    rule: "node-ports",
    stage: "e2e",
    object: "Service/hsl-jore4/jore4-testdb",
    path: "spec.ports[0].nodePort",
  },
  {
    name: "node port out of range",
    apply: (f) => addManifest(f, "manifests/e2e/db-debug.yaml", nodePortService("db-debug", 5432)),
    rule: "node-ports",
    stage: "e2e",
    object: "Service/hsl-jore4/db-debug",
    path: "spec.ports[0].nodePort",
  },
  {
    name: "unknown apiVersion",
    apply: (f) =>
      addManifest(f, "manifests/dev/old.yaml", {
        apiVersion: "networking.k8s.io/v1beta1",
        kind: "Ingress",
        metadata: { name: "old", namespace: "hsl-jore4" },
        spec: {},
      }),
    rule: "schema-unknown-kind",
    stage: "dev",
    object: "Ingress/hsl-jore4/old",
    path: "apiVersion",
    alsoReported: ["deprecated-api dev Ingress/hsl-jore4/old apiVersion"],
  },
  {
    name: "removed API version, with its replacement named",
    apply: (f) =>
      addManifest(f, "manifests/dev/old.yaml", {
        apiVersion: "batch/v1beta1",
        kind: "CronJob",
        metadata: { name: "old", namespace: "hsl-jore4" },
        spec: {},
      }),
    rule: "deprecated-api",
    stage: "dev",
    object: "CronJob/hsl-jore4/old",
    path: "apiVersion",
    alsoReported: ["schema-unknown-kind dev CronJob/hsl-jore4/old apiVersion"],
  },
  {
    name: "deprecated CRD version (SecretProviderClass v1alpha1)",
    apply: (f) =>
      editObject(
        f,
        "clusters/dev/jore4-auth.yaml",
        "SecretProviderClass",
        (o) => (o.apiVersion = "secrets-store.csi.x-k8s.io/v1alpha1"),
      ),
    rule: "deprecated-api",
    stage: "dev",
    object: "SecretProviderClass/hsl-jore4/jore4-auth-secrets",
    path: "apiVersion",
    alsoReported: [stale("dev", "clusters/dev/jore4-auth.yaml")],
  },
  {
    name: "removed CRD field (GitRepository spec.gitImplementation)",
    apply: (f) =>
      editObject(f, "clusters/prod/flux-sync.yaml", "GitRepository", (o) => (o.spec.gitImplementation = "go-git")),
    rule: "schema",
    stage: "prod",
    object: "GitRepository/flux-system/flux-repo",
    path: "spec.gitImplementation",
    alsoReported: [stale("prod", "clusters/prod/flux-sync.yaml")],
  },
  {
    name: "required CRD field missing (Kustomization spec.sourceRef)",
    apply: (f) => editObject(f, "clusters/test/flux-sync.yaml", "Kustomization", (o) => delete o.spec.sourceRef),
    rule: "schema",
    stage: "test",
    object: "Kustomization/flux-system/flux-system-sync",
    path: "spec.sourceRef",
    alsoReported: [stale("test", "clusters/test/flux-sync.yaml")],
  },
  {
    name: "misspelt container field",
    apply: (f) =>
      editObject(
        f,
        "clusters/dev/jore4-ui.yaml",
        "Deployment",
        (o) => (o.spec.template.spec.containers[0].imagePulPolicy = "Always"),
      ),
    rule: "schema",
    stage: "dev",
    object: "Deployment/hsl-jore4/jore4-ui",
    path: "spec.template.spec.containers[0].imagePulPolicy",
    alsoReported: [stale("dev", "clusters/dev/jore4-ui.yaml")],
  },
  {
    name: "replicas as a string",
    apply: (f) => editObject(f, "clusters/e2e/jore4-ui.yaml", "Deployment", (o) => (o.spec.replicas = "two")),
    rule: "schema",
    stage: "e2e",
    object: "Deployment/hsl-jore4/jore4-ui",
    path: "spec.replicas",
    alsoReported: [stale("e2e", "clusters/e2e/jore4-ui.yaml")],
  },
  {
    name: "kustomization lists a missing file",
    apply: (f) => Object.fromEntries(Object.entries(f).filter(([path]) => path !== "clusters/dev/jore4-ui.yaml")),
    rule: "kustomization-files",
    stage: "dev",
    object: "Kustomization/dev",
    // namespace, limit-range, flux-sync, flux-notifications, jore4-auth, jore4-hasura, jore4-ui
    path: "resources[6]",
    alsoReported: [
      stale("dev", "clusters/dev/jore4-ui.yaml"),
      // The Ingress's route to the ui Service that is gone with its file.
      "ingress-backend dev Ingress/hsl-jore4/jore4-ingress spec.rules[0].http.paths[2].backend.service.name",
    ],
  },
  {
    name: "file copied in by hand, not listed",
    apply: (f) => ({
      ...f,
      "clusters/dev/extra.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\n  namespace: hsl-jore4\n",
    }),
    rule: "kustomization-files",
    stage: "dev",
    object: "Kustomization/dev",
    path: "resources",
  },
  {
    name: "regex path with pathType Prefix on e2e",
    apply: (f) =>
      editObject(f, "clusters/e2e/ingress.yaml", "Ingress", (o) => (o.spec.rules[0].http.paths[0].pathType = "Prefix")),
    rule: "ingress-regex",
    stage: "e2e",
    object: "Ingress/hsl-jore4/jore4-ingress",
    path: "spec.rules[0].http.paths[0].pathType",
    alsoReported: [stale("e2e", "clusters/e2e/ingress.yaml")],
  },
  {
    name: "stale clusters/ after a values change",
    apply: (f) => ({
      ...f,
      "values/common.yaml": (f["values/common.yaml"] ?? "")
        .replace("replicas", "replicas")
        .replace("containerPort: 80\n", "containerPort: 8080\n"),
    }),
    rule: "generated-up-to-date",
    stage: "dev",
    alsoReported: [
      ...["e2e", "playg", "test", "prod"].map((stage) => stale(stage, `clusters/${stage}/jore4-ui.yaml`)),
      ...["e2e", "playg", "dev", "test", "prod"].map((stage) => stale(stage, `clusters/${stage}/ingress.yaml`)),
      stale("e2e", "compose/e2e/docker-compose.yml"),
      stale("e2e", "compose/e2e/nginx.conf"),
    ],
  },
];
