import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Jore4FluxError, formatProblem } from "../../src/errors.ts";
import { renderProject } from "../../src/generate/render-project.ts";
import { memoryFiles } from "../../src/io/source-files.ts";
import type { KubeObject } from "../../src/kube/object.ts";
import { shippedFiles } from "../support/repo-fixture.ts";

const shipped = shippedFiles();

const edited = (file: string, change: (text: string) => string) => ({ ...shipped, [file]: change(shipped[file]!) });

function objects(files: Record<string, string>, stage: string): KubeObject[] {
  const rendered = renderProject(memoryFiles(files)).stages.find((candidate) => candidate.stage === stage)!;
  return rendered.files.flatMap((file) => file.objects);
}

function find(list: KubeObject[], kind: string, name: string): any {
  const found = list.find((object) => object.kind === kind && object.metadata.name === name);
  assert.ok(found, `${kind}/${name}`);
  return found;
}

function problems(files: Record<string, string>): string[] {
  try {
    renderProject(memoryFiles(files));
  } catch (error) {
    assert.ok(error instanceof Jore4FluxError);
    assert.equal(error.exitCode, 2);
    return error.problems.map(formatProblem);
  }
  return [];
}

const authEnv = "      OIDC_PROVIDER_BASE_URL: https://hslid-dev.t5.fi\n";

describe("values are kept as written", () => {
  it('an unquoted env value keeps its text: VERSION: 1.10 is "1.10", not "1.1"', () => {
    const files = edited("values/common.yaml", (text) =>
      text.replace(
        authEnv,
        `${authEnv}      VERSION: 1.10\n      MODE: 0777\n      ON: True\n      BIG: 12345678901234567890\n`,
      ),
    );
    const data = find(objects(files, "dev"), "ConfigMap", "jore4-auth-env").data;
    assert.deepEqual([data.VERSION, data.MODE, data.ON, data.BIG], ["1.10", "0777", "True", "12345678901234567890"]);
  });

  it("a stage's override of an env value keeps its own text", () => {
    const files = {
      ...edited("values/common.yaml", (text) => text.replace(authEnv, `${authEnv}      VERSION: 1.10\n`)),
      "values/dev.yaml": shipped["values/dev.yaml"]!.replace("    env:\n", "    env:\n      VERSION: 2.50\n"),
    };
    assert.equal(find(objects(files, "dev"), "ConfigMap", "jore4-auth-env").data.VERSION, "2.50");
    assert.equal(find(objects(files, "test"), "ConfigMap", "jore4-auth-env").data.VERSION, "1.10");
  });

  it("a secret's local value may be a number or a boolean, written as a string as written", () => {
    const files = edited("values/e2e.yaml", (text) =>
      text.replace('local: "0838619941439007"', "local: 0838619941439007").replace("local: hasura\n", "local: true\n"),
    );
    const list = objects(files, "e2e");
    assert.equal(find(list, "Secret", "jore4-auth-secrets").stringData["oidc-client-id"], "0838619941439007");
    assert.equal(find(list, "Secret", "jore4-hasura-secrets").stringData["hasura-admin-secret"], "true");
  });
});

describe("probes: timing and a startup probe, validated", () => {
  const probed = (probe: string) =>
    edited("values/common.yaml", (text) =>
      text.replace("    probe:\n      command: [pg_isready, -U, postgres]\n", probe),
    );

  it("renders the timing on liveness and readiness, and the startup probe", () => {
    const files = {
      ...probed(
        [
          "    probe:",
          "      command: [pg_isready, -U, postgres]",
          "      periodSeconds: 20",
          "      timeoutSeconds: 5",
          "      failureThreshold: 3",
          "    startupProbe:",
          "      command: [pg_isready, -U, postgres]",
          "      initialDelaySeconds: 10",
          "      periodSeconds: 30",
          "      failureThreshold: 60",
          "",
        ].join("\n"),
      ),
    };
    const container = find(objects(files, "e2e"), "Deployment", "jore4-testdb").spec.template.spec.containers[0];
    const timing = { periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 3 };
    assert.deepEqual(container.livenessProbe, { exec: { command: ["pg_isready", "-U", "postgres"] }, ...timing });
    assert.deepEqual(container.readinessProbe, container.livenessProbe);
    assert.deepEqual(container.startupProbe, {
      exec: { command: ["pg_isready", "-U", "postgres"] },
      initialDelaySeconds: 10,
      periodSeconds: 30,
      failureThreshold: 60,
    });
  });

  it("refuses timing out of range, a timeout longer than the period, and a startup probe without a check", () => {
    const found = problems(
      probed(
        [
          "    probe:",
          "      command: [pg_isready]",
          "      periodSeconds: 0",
          "      failureThreshold: 2.5",
          "    startupProbe:",
          "      timeoutSeconds: 20",
          "",
        ].join("\n"),
      ),
    );
    assert.ok(
      found.some((line) => /services\.testdb\.probe\.periodSeconds: .*>=1/.test(line)),
      found.join("\n"),
    );
    assert.ok(
      found.some((line) => /services\.testdb\.probe\.failureThreshold: expected int/.test(line)),
      found.join("\n"),
    );
    assert.ok(
      found.some((line) => /services\.testdb\.startupProbe: set exactly one of httpPath and command/.test(line)),
      found.join("\n"),
    );
    const timeout = problems(
      probed("    probe:\n      command: [pg_isready]\n      periodSeconds: 5\n      timeoutSeconds: 6\n"),
    );
    assert.ok(
      timeout.some((line) =>
        /services\.testdb\.probe\.timeoutSeconds: timeoutSeconds must not exceed periodSeconds/.test(line),
      ),
      timeout.join("\n"),
    );
  });
});

describe("defaultResources: the namespace's LimitRange, merged by the override rules", () => {
  it("the shipped configuration renders it in every stage", () => {
    for (const stage of ["e2e", "playg", "dev", "test", "prod"]) {
      const limitRange = find(objects(shipped, stage), "LimitRange", "jore4-default-resources");
      assert.deepEqual(limitRange.metadata, { name: "jore4-default-resources", namespace: "hsl-jore4" });
      assert.deepEqual(limitRange.spec.limits, [
        { type: "Container", defaultRequest: { cpu: "100m", memory: "128Mi" }, default: { memory: "1Gi" } },
      ]);
    }
  });

  it("a stage adds to it key by key, or removes a key with null", () => {
    const files = {
      ...shipped,
      "values/prod.yaml": `${shipped["values/prod.yaml"]}\ndefaultResources:\n  limits:\n    cpu: "2"\n  requests:\n    cpu: null\n`,
    };
    const limits = find(objects(files, "prod"), "LimitRange", "jore4-default-resources").spec.limits;
    assert.deepEqual(limits, [
      { type: "Container", defaultRequest: { memory: "128Mi" }, default: { cpu: "2", memory: "1Gi" } },
    ]);
    assert.deepEqual(find(objects(files, "dev"), "LimitRange", "jore4-default-resources").spec.limits[0].default, {
      memory: "1Gi",
    });
  });

  it("refuses a quantity that is not one", () => {
    const found = problems(edited("values/common.yaml", (text) => text.replace("memory: 1Gi", "memory: lots")));
    assert.ok(
      found.some((line) => /defaultResources\.limits\.memory: /.test(line)),
      found.join("\n"),
    );
  });
});
