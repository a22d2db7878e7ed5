import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { memoryFiles } from "../../src/io/source-files.ts";
import { loadProject } from "../../src/values/load.ts";
import { refusalProblems } from "../support/bad-input.ts";
import { shippedFiles } from "../support/repo-fixture.ts";

const shipped = shippedFiles();

function withChanges(changes: Record<string, string | undefined>) {
  const files: Record<string, string> = { ...shipped };
  for (const [path, text] of Object.entries(changes)) {
    if (text === undefined) delete files[path];
    else files[path] = text;
  }
  return memoryFiles(files);
}

const problemsOf = (changes: Record<string, string | undefined>) =>
  refusalProblems(() => loadProject(withChanges(changes)));

describe("loading the shipped configuration", () => {
  const project = loadProject(memoryFiles(shipped));

  it("has the five stages in the configured order", () => {
    assert.deepEqual(
      project.stages.map((model) => `${model.stage.name}:${model.stage.platform}:${model.stage.promotedFrom}`),
      ["e2e:kind:main", "playg:aks:main", "dev:aks:main", "test:aks:dev", "prod:aks:test"],
    );
  });

  it("merges the stage override over the shared file", () => {
    const dev = project.stages.find((model) => model.stage.name === "dev")!;
    assert.equal(dev.values.services.auth!.env.SELF_PUBLIC_BASE_URL, "https://dev.jore.hsl.fi");
    assert.equal(dev.values.services.auth!.env.OIDC_PROVIDER_BASE_URL, "https://hslid-dev.t5.fi");
    assert.equal(dev.values.services.testdb!.enabled, false);
    assert.deepEqual(
      dev.valuesSources.map((source) => source.file),
      ["values/common.yaml", "values/dev.yaml"],
    );
  });

  it("lets a stage drop a key with null: e2e has local secrets and no Key Vault names", () => {
    const e2e = project.stages.find((model) => model.stage.name === "e2e")!;
    assert.deepEqual(e2e.values.services.auth!.secrets["oidc-client-id"], { local: "0838619941439007" });
    assert.equal(e2e.values.services.testdb!.enabled, true);
  });

  it("applies defaults: one replica, ClusterIP, the secrets mount path", () => {
    const prod = project.stages.find((model) => model.stage.name === "prod")!;
    assert.equal(prod.values.services.ui!.replicas, 1);
    assert.equal(prod.values.services.ui!.serviceType, "ClusterIP");
    assert.equal(prod.values.secretStore.mountPath, "/mnt/secrets-store");
  });

  it("includes plain manifests of manifests/all in every stage", () => {
    const withManifest = loadProject(
      withChanges({ "manifests/all/quota.yaml": "apiVersion: v1\nkind: ResourceQuota\nmetadata: {name: q}\n" }),
    );
    for (const model of withManifest.stages)
      assert.deepEqual(
        model.manifests.map((manifest) => manifest.file),
        ["manifests/all/quota.yaml"],
      );
  });
});

describe("rejecting bad values, naming file, line, column and key", () => {
  const common = shipped["values/common.yaml"]!;

  it("suggests the key a typo was meant to be", () => {
    const problems = problemsOf({
      "values/dev.yaml": `${shipped["values/dev.yaml"]}  ui:\n    imgae: hsldevcom/jore4-ui:x\n`,
    });
    assert.equal(problems.length, 1);
    assert.match(
      problems[0]!,
      /^values\/dev\.yaml:\d+:5 services\.ui\.imgae: unknown key 'imgae' \(did you mean 'image'\?\); expected one of: enabled, image, /,
    );
  });

  it("reports a problem of the shared file once, not once per stage", () => {
    const problems = problemsOf({ "values/common.yaml": common.replace("containerPort: 8080", "containerPort: http") });
    assert.deepEqual(problems, ["values/common.yaml:22:5 services.auth.containerPort: must be a whole number"]);
  });

  it("reports every problem of every file at once", () => {
    const problems = problemsOf({
      "values/common.yaml": common.replace("localPort: 3201", "localPort: 0"),
      "values/prod.yaml": shipped["values/prod.yaml"]!.replace("host: jore.hsl.fi", "host: Not A Host"),
    });
    assert.deepEqual(problems, [
      "values/common.yaml:42:5 services.hasura.localPort: must be a port from 1 to 65535",
      "values/prod.yaml:4:3 ingress.host: must be a host name",
    ]);
  });

  it("requires a Key Vault name for each secret on AKS stages", () => {
    const problems = problemsOf({
      "values/test.yaml": `${shipped["values/test.yaml"]}  hasura:\n    secrets:\n      db-name:\n        keyVault: null\n`,
    });
    assert.deepEqual(problems, [
      "values/test.yaml:19:9 services.hasura.secrets.db-name.keyVault: required field is missing: AKS stage test reads secrets from its Key Vault",
    ]);
  });

  it("refuses plaintext secret values on AKS stages", () => {
    const problems = problemsOf({
      "values/prod.yaml": `${shipped["values/prod.yaml"]}  hasura:\n    secrets:\n      db-password:\n        local: hunter2\n`,
    });
    assert.deepEqual(problems, [
      "values/prod.yaml:19:9 services.hasura.secrets.db-password.local: plaintext secret value on AKS stage prod: secrets there come from the Key Vault (remove 'local')",
    ]);
  });

  it("requires a node port for a NodePort service", () => {
    const problems = problemsOf({
      "values/common.yaml": common.replace("    nodePort: 30432\n    hostPort: 3002\n", ""),
    });
    assert.deepEqual(problems, [
      "values/e2e.yaml:44:3 services.testdb.nodePort: required field is missing: a NodePort service needs nodePort (30000-32767)",
    ]);
  });

  it("refuses a dependsOn naming a service that is unknown, disabled in the stage, itself, or in a cycle", () => {
    const e2e = shipped["values/e2e.yaml"]!;
    assert.deepEqual(
      problemsOf({ "values/e2e.yaml": e2e.replace(/testdb:\n {4}enabled: true/, "testdb:\n    enabled: false") }),
      [
        "values/e2e.yaml:25:17 services.hasura.dependsOn.0: hasura depends on testdb, which is not enabled in this stage (enable it or drop the dependency)",
      ],
    );
    assert.deepEqual(
      problemsOf({ "values/e2e.yaml": e2e.replace("dependsOn: [testdb]", "dependsOn: [testdbx, hasura]") }),
      [
        "values/e2e.yaml:25:17 services.hasura.dependsOn.0: unknown service 'testdbx': no services.testdbx in the values",
        "values/e2e.yaml:25:26 services.hasura.dependsOn.1: hasura cannot depend on itself",
      ],
    );
    assert.deepEqual(problemsOf({ "values/e2e.yaml": `${e2e}    dependsOn: [ui]\n  ui:\n    dependsOn: [testdb]\n` }), [
      "values/e2e.yaml:48:17 services.ui.dependsOn.0: dependency cycle: testdb → ui → testdb",
    ]);
  });

  it("rejects a duplicate node port and a duplicate host port", () => {
    const problems = problemsOf({
      "values/e2e.yaml": `${shipped["values/e2e.yaml"]}  ui:\n    serviceType: NodePort\n    nodePort: 30432\n    hostPort: 3300\n`,
    });
    assert.deepEqual(problems, [
      "values/common.yaml:80:5 services.testdb.nodePort: duplicate node port 30432: already used by services.ui.nodePort",
      "values/e2e.yaml:49:5 services.ui.hostPort: duplicate host port 3300: already used by ingress.hostPort",
    ]);
  });

  it("rejects a stage promoted from a branch that does not exist", () => {
    const problems = problemsOf({
      "jore4-flux.yaml": shipped["jore4-flux.yaml"]!.replace("promotedFrom: test", "promotedFrom: staging"),
    });
    assert.equal(problems.length, 1);
    assert.match(
      problems[0]!,
      /^jore4-flux\.yaml:\d+:5 stages\.4\.promotedFrom: must be main or another stage's branch \(main, e2e, playg, dev, test, prod\)$/,
    );
  });

  it("rejects a manifest folder for a stage that does not exist", () => {
    const problems = problemsOf({
      "manifests/staging/x.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n",
    });
    assert.deepEqual(problems, [
      "manifests/staging:1:1: no stage 'staging' in jore4-flux.yaml (manifest folders are 'all' or a stage name)",
    ]);
  });

  it("rejects a plain manifest without a name, at its line", () => {
    const problems = problemsOf({
      "manifests/dev/extra.yaml":
        "apiVersion: v1\nkind: ConfigMap\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  labels: {}\n",
    });
    assert.deepEqual(problems, [
      "manifests/dev/extra.yaml:1:1 metadata.name: required field is missing (expected string)",
      "manifests/dev/extra.yaml:6:1 metadata.name: required field is missing (expected string)",
    ]);
  });
});

describe("values files are plain YAML: what the YAML library would read some other way is refused at its line", () => {
  const dev = shipped["values/dev.yaml"]!;
  /** The line of the first line appended to values/dev.yaml (it ends with a newline). */
  const appended = dev.split("\n").length;
  const plainYaml = "this file takes plain YAML (text, numbers, true/false, null, maps and lists); remove the tag";

  it("a merge key (<<), naming file, line and key", () => {
    const problems = problemsOf({ "values/dev.yaml": `${dev}  ui:\n    <<: {replicas: 2}\n` });
    assert.deepEqual(problems, [
      `values/dev.yaml:${appended + 1}:5 services.ui.<<: YAML merge keys (<<) are not supported; write the keys out`,
    ]);
  });

  it("an unknown tag (!evil), and YAML 1.1's !!binary, each at its place", () => {
    const problems = problemsOf({
      "values/dev.yaml": `${dev}  ui:\n    env:\n      GREETING: !evil hello\n      DATA: !!binary aGVsbG8=\n`,
    });
    assert.deepEqual(problems, [
      `values/dev.yaml:${appended + 2}:17: unsupported YAML tag !evil: ${plainYaml}`,
      `values/dev.yaml:${appended + 3}:13: unsupported YAML tag !!binary: ${plainYaml}`,
    ]);
  });

  it("a second document: said in our words, not the library's", () => {
    const problems = problemsOf({ "values/dev.yaml": `${dev}---\nservices: {}\n` });
    assert.deepEqual(problems, [
      `values/dev.yaml:${appended}:1: invalid YAML: a second YAML document starts here (after ---); this file holds one document`,
    ]);
  });

  it("a list or a map as a key: refused at its line, and the library warns of nothing", async () => {
    const warnings: string[] = [];
    const listener = (warning: Error) => warnings.push(warning.message);
    process.on("warning", listener);
    try {
      assert.deepEqual(problemsOf({ "values/dev.yaml": `${dev}  ui:\n    env:\n      ? [a, b]\n      : x\n` }), [
        `values/dev.yaml:${appended + 2}:9 services.ui.env: invalid YAML: a list as a key; a key is plain text`,
      ]);
      assert.deepEqual(problemsOf({ "values/dev.yaml": `${dev}  ui:\n    env:\n      {c: 1}: y\n` }), [
        `values/dev.yaml:${appended + 2}:7 services.ui.env: invalid YAML: a map as a key; a key is plain text`,
      ]);
      // Node emits a warning on the next tick of the one that raised it.
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off("warning", listener);
    }
    assert.deepEqual(warnings, []);
  });

  it("a folder in place of a values file: named as a folder, not as missing", () => {
    const problems = problemsOf({ "values/dev.yaml": undefined, "values/dev.yaml/notes.yaml": "a: 1\n" });
    assert.deepEqual(problems, ["values/dev.yaml is a folder, not a file"]);
  });
});
