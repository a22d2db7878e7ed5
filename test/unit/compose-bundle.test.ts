import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { Ajv2020 } from "ajv/dist/2020.js";
import { parse } from "yaml";
import { composeFileName, imageVariable, nginxFileName } from "../../src/compose/bundle.ts";
import { renderProject } from "../../src/generate/render-project.ts";
import { memoryFiles } from "../../src/io/source-files.ts";
import { composeSpecFile } from "../../src/validate/schema-sources.ts";
import { repoRoot, shippedFiles } from "../support/repo-fixture.ts";

const { bundles, stages } = renderProject(memoryFiles(shippedFiles()));
const bundle = bundles[0]!;
const fileOf = (name: string) => bundle.files.find((file) => file.path === `compose/e2e/${name}`)?.text ?? "";
const compose = parse(fileOf(composeFileName)) as {
  services: Record<string, Record<string, unknown>>;
  secrets: Record<string, { file: string }>;
};

const schema = JSON.parse(readFileSync(join(repoRoot, "schemas", composeSpecFile), "utf8")) as object;
const validate = new Ajv2020({ strict: false }).compile(schema);

describe("the e2e compose bundle", () => {
  it("is rendered for the kind stage only, into compose/e2e", () => {
    assert.deepEqual(
      bundles.map((rendered) => rendered.dir),
      ["compose/e2e"],
    );
  });

  it("is valid against the Compose specification's schema, which rejects a broken copy", () => {
    assert.ok(validate(compose), JSON.stringify(validate.errors));
    const broken = structuredClone(compose);
    broken.services["jore4-ui"]!.restart_policy = "sometimes";
    assert.equal(validate(broken), false);
    assert.ok((validate.errors ?? []).some((error) => /(unevaluated|additional) properties/.test(error.message ?? "")));
  });

  it("runs every enabled service of e2e with its image overridable by <NAME>_DOCKER_IMAGE, and the proxy", () => {
    const e2e = stages.find((stage) => stage.stage === "e2e")!;
    const deployments = e2e.files.filter((file) => file.name.startsWith("jore4-")).map((file) => file.name);
    assert.deepEqual(
      Object.keys(compose.services).sort(),
      [...deployments.map((name) => name.replace(/\.yaml$/, "")), "jore4-proxy"].sort(),
    );
    assert.equal(imageVariable("ui"), "UI_DOCKER_IMAGE");
    assert.match(String(compose.services["jore4-ui"]!.image), /^\$\{UI_DOCKER_IMAGE:-hsldevcom\/jore4-ui:[^}]+\}$/);
    assert.match(String(compose.services["jore4-hasura"]!.image), /^\$\{HASURA_DOCKER_IMAGE:-/);
    assert.equal(compose.services["jore4-testdb"]!.container_name, "testdb");
    assert.equal(compose.services["jore4-proxy"]!.image, "${PROXY_DOCKER_IMAGE:-nginx:1.27-alpine}");
  });

  it("publishes each local port and the ingress host port on 127.0.0.1 only", () => {
    assert.deepEqual(compose.services["jore4-auth"]!.ports, ["127.0.0.1:3200:8080"]);
    assert.deepEqual(compose.services["jore4-testdb"]!.ports, ["127.0.0.1:6432:5432"]);
    assert.deepEqual(compose.services["jore4-proxy"]!.ports, ["127.0.0.1:3300:80"]);
    for (const service of Object.values(compose.services))
      for (const port of (service.ports as string[] | undefined) ?? []) assert.match(port, /^127\.0\.0\.1:/);
  });

  it("turns probes into healthchecks and env into environment", () => {
    const hasura = compose.services["jore4-hasura"]!;
    assert.deepEqual((hasura.healthcheck as { test: string[] }).test, [
      "CMD-SHELL",
      "wget -q -O /dev/null http://localhost:8080/healthz || curl -fsS -o /dev/null http://localhost:8080/healthz",
    ]);
    assert.deepEqual((compose.services["jore4-testdb"]!.healthcheck as { test: string[] }).test, [
      "CMD",
      "pg_isready",
      "-U",
      "postgres",
    ]);
    assert.equal((hasura.environment as Record<string, string>).HASURA_GRAPHQL_ENABLE_CONSOLE, "false");
  });

  it("checks health every 5 s without start_interval, which compose refuses on engines before 25", () => {
    for (const [name, service] of Object.entries(compose.services)) {
      if (name === "jore4-proxy") continue;
      const { test: _test, ...timing } = service.healthcheck as Record<string, unknown>;
      assert.deepEqual(timing, { interval: "5s", timeout: "5s", retries: 3, start_period: "120s" }, name);
    }
  });

  it("starts services in dependency order from the values: hasura after its database, the proxy after every routed service", () => {
    assert.deepEqual(compose.services["jore4-hasura"]!.depends_on, {
      "jore4-testdb": { condition: "service_healthy" },
    });
    assert.deepEqual(compose.services["jore4-proxy"]!.depends_on, {
      "jore4-auth": { condition: "service_healthy" },
      "jore4-hasura": { condition: "service_healthy" },
      "jore4-ui": { condition: "service_healthy" },
    });
    assert.equal(compose.services["jore4-testdb"]!.depends_on, undefined);
    // A service without a probe has no healthcheck to wait for: it is waited for started.
    const files = shippedFiles();
    files["values/common.yaml"] = files["values/common.yaml"]!.replace("    probe:\n      httpPath: /\n", "");
    files["values/e2e.yaml"] = files["values/e2e.yaml"]!.replace("dependsOn: [testdb]", "dependsOn: [testdb, ui]");
    const changed = parse(
      renderProject(memoryFiles(files)).bundles[0]!.files.find((file) => file.path.endsWith(composeFileName))!.text,
    ) as typeof compose;
    assert.deepEqual(changed.services["jore4-hasura"]!.depends_on, {
      "jore4-testdb": { condition: "service_healthy" },
      "jore4-ui": { condition: "service_started" },
    });
    assert.deepEqual((changed.services["jore4-proxy"]!.depends_on as Record<string, unknown>)["jore4-ui"], {
      condition: "service_started",
    });
  });

  it("mounts each local secret as a file at the secret store's path, holding exactly the value", () => {
    assert.deepEqual((compose.services["jore4-hasura"]!.secrets as { target: string }[])[0], {
      source: "hasura-db-hostname",
      target: "/mnt/secrets-store/db-hostname",
    });
    assert.equal(compose.secrets["hasura-db-hostname"]!.file, "./secrets/hasura/db-hostname");
    assert.equal(fileOf("secrets/hasura/db-hostname"), "jore4-testdb");
    assert.equal(fileOf("secrets/auth/oidc-client-id"), "0838619941439007");
  });

  it("passes the Host the browser used, port and all, as the kind ingress (ingress-nginx) does", () => {
    assert.match(fileOf(nginxFileName), /^ {2}proxy_set_header Host \$http_host;$/m);
    assert.doesNotMatch(fileOf(nginxFileName), /Host \$host;/);
  });

  it("routes the proxy like the kind ingress: same regexes, longest first, prefix cut", () => {
    const ingress = e2eIngressPaths();
    const nginx = fileOf(nginxFileName);
    const locations = [
      ...nginx.matchAll(/location ~ \^(\S+) \{\n\s+rewrite \S+ (\S+) break;\n\s+proxy_pass http:\/\/([^;]+);/g),
    ];
    assert.deepEqual(
      locations.map(([, path, rewrite, backend]) => ({ path, rewrite, backend })),
      ingress.map((route) => ({ path: route.path, rewrite: "/$2", backend: route.backend })),
    );
  });
});

function e2eIngressPaths(): { path: string; backend: string }[] {
  const e2e = stages.find((stage) => stage.stage === "e2e")!;
  const ingress = e2e.files.find((file) => file.name === "ingress.yaml")!.objects[0] as unknown as {
    spec: {
      rules: {
        http: { paths: { path: string; backend: { service: { name: string; port: { number: number } } } }[] };
      }[];
    };
  };
  return ingress.spec.rules[0]!.http.paths.map((path) => ({
    path: path.path,
    backend: `${path.backend.service.name}:${path.backend.service.port.number}`,
  }));
}
