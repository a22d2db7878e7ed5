import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { t as listTar } from "tar";
import { parse } from "yaml";
import { packBundle } from "../../src/compose/archive.ts";
import {
  composeFileName,
  imageVariable,
  proxyService,
  renderBundle,
  renderComposeFile,
  renderHealthChecks,
} from "../../src/compose/bundle.ts";
import { loadProjectConfig } from "../../src/config/load.ts";
import { memoryFiles } from "../../src/io/source-files.ts";
import { loadProject, type StageModel } from "../../src/values/load.ts";
import type { ServiceValues } from "../../src/values/schema.ts";
import { shippedFiles } from "../support/repo-fixture.ts";

/**
 * The compose bundle's decisions that the mutation run of src/compose (README, "Mutation testing")
 * found untested: which services, ports, checks and secrets a bundle gets, and that its order comes
 * from the names, not from how the values list them.
 */
const files = shippedFiles();
const { config } = loadProjectConfig(memoryFiles(files));
const e2e = loadProject(memoryFiles(files)).stages.find((model) => model.stage.name === "e2e")!;

/** The e2e model with its values changed by `change` (a copy: the loaded model stays as it is). */
function e2eWith(change: (services: Record<string, ServiceValues>, model: StageModel) => void): StageModel {
  const model = { ...e2e, values: structuredClone(e2e.values) };
  change(model.values.services, model);
  return model;
}

type Compose = { services: Record<string, Record<string, unknown>>; secrets?: Record<string, unknown> };
const composeOf = (model: StageModel) => renderComposeFile(model) as Compose;
/** The check lines of health-checks.txt, without the generated header. */
const checkLines = (model: StageModel) =>
  renderHealthChecks(model.values, [])
    .split("\n")
    .filter((line) => line.length > 0 && !line.startsWith("#"));

/** Each record of the model's services in reverse order of its keys. */
function reversed(model: StageModel): StageModel {
  const copy = { ...model, values: structuredClone(model.values) };
  const reverse = <T>(record: Record<string, T>) => Object.fromEntries(Object.entries(record).reverse());
  copy.values.services = reverse(copy.values.services);
  for (const service of Object.values(copy.values.services)) {
    service.env = reverse(service.env);
    service.secrets = reverse(service.secrets);
    service.dependsOn = [...service.dependsOn].reverse();
  }
  return copy;
}

describe("the compose bundle's choices (found by mutation testing)", () => {
  it("names the image variable of a service with a dash with an underscore: map-matcher → MAP_MATCHER_DOCKER_IMAGE", () => {
    assert.equal(imageVariable("map-matcher"), "MAP_MATCHER_DOCKER_IMAGE");
  });

  it("orders services, env, secrets and dependencies by name, whatever order the values list them in", () => {
    const model = e2eWith((services) => {
      services.hasura!.dependsOn = ["testdb", "auth"];
    });
    const compose = composeOf(model);
    assert.deepEqual(Object.keys(compose.services), [
      "jore4-auth",
      "jore4-hasura",
      "jore4-testdb",
      "jore4-ui",
      proxyService,
    ]);
    const hasura = compose.services["jore4-hasura"]!;
    const env = Object.keys(hasura.environment as Record<string, string>);
    assert.deepEqual(env, [...env].sort());
    assert.ok(
      env.length > 2 && env[0] !== Object.keys(model.values.services.hasura!.env)[0],
      "the values list env unsorted",
    );
    assert.deepEqual(
      (hasura.secrets as { source: string }[]).map((secret) => secret.source),
      [
        "hasura-db-hostname",
        "hasura-db-name",
        "hasura-db-password",
        "hasura-db-username",
        "hasura-hasura-admin-secret",
      ],
    );
    assert.deepEqual(Object.keys(hasura.depends_on as object), ["jore4-auth", "jore4-testdb"]);
    // The same values listed the other way round: the same files, byte for byte.
    const texts = (stage: StageModel) => renderBundle(config, stage).files.map((file) => [file.path, file.text]);
    assert.deepEqual(texts(reversed(model)), texts(model));
  });

  it("leaves a disabled service out: no compose service, no health check, no secret file", () => {
    const model = e2eWith((services) => {
      services.auth!.enabled = false;
    });
    assert.ok(!("jore4-auth" in composeOf(model).services));
    assert.ok(!Object.keys(composeOf(model).secrets ?? {}).some((name) => name.startsWith("auth-")));
    assert.deepEqual(
      checkLines(model).filter((line) => line.startsWith("jore4-auth ")),
      [],
    );
    assert.deepEqual(
      renderBundle(config, model).files.filter((file) => file.path.includes("/secrets/auth/")),
      [],
    );
  });

  it("publishes no port and checks no direct URL of a service without a local port", () => {
    const model = e2eWith((services) => {
      delete services.hasura!.localPort;
    });
    assert.equal(composeOf(model).services["jore4-hasura"]!.ports, undefined);
    assert.deepEqual(checkLines(model), [
      "jore4-auth direct http://127.0.0.1:3200/actuator/health",
      "jore4-auth proxy http://127.0.0.1:3300/api/auth/actuator/health",
      "jore4-hasura proxy http://127.0.0.1:3300/api/graphql/healthz",
      "jore4-testdb exec pg_isready -U postgres",
      "jore4-ui direct http://127.0.0.1:3302/",
      "jore4-ui proxy http://127.0.0.1:3300/",
    ]);
  });

  it("checks nothing of a service without a probe", () => {
    const model = e2eWith((services) => {
      delete services.ui!.probe;
    });
    assert.deepEqual(checkLines(model), [
      "jore4-auth direct http://127.0.0.1:3200/actuator/health",
      "jore4-auth proxy http://127.0.0.1:3300/api/auth/actuator/health",
      "jore4-hasura direct http://127.0.0.1:3201/healthz",
      "jore4-hasura proxy http://127.0.0.1:3300/api/graphql/healthz",
      "jore4-testdb exec pg_isready -U postgres",
    ]);
  });

  it("has no proxy and no proxy checks on a stage without an ingress host port", () => {
    const model = e2eWith((_services, stage) => {
      delete stage.values.ingress.hostPort;
    });
    assert.ok(!(proxyService in composeOf(model).services));
    assert.deepEqual(
      checkLines(model).filter((line) => line.includes(" proxy ")),
      [],
    );
  });

  it("writes no `secrets` section when no enabled service has a secret", () => {
    const model = e2eWith((services) => {
      for (const service of Object.values(services)) service.secrets = {};
    });
    const text = renderBundle(config, model).files.find((file) => file.path.endsWith(composeFileName))!.text;
    assert.equal((parse(text) as Compose).secrets, undefined);
    assert.doesNotMatch(text, /^secrets:/m);
  });

  it("writes a secret without a local value as an empty file, not `undefined`", () => {
    const model = e2eWith((services) => {
      delete services.auth!.secrets["oidc-client-id"]!.local;
    });
    const file = renderBundle(config, model).files.find((candidate) => candidate.path.endsWith("/auth/oidc-client-id"));
    assert.equal(file?.text, "");
  });
});

describe("packBundle (found by mutation testing: only the CLI's bundle command ran it)", () => {
  /** Each entry of a .tar.gz: path, time, owner and content. */
  async function entriesOf(archive: Buffer) {
    const dir = mkdtempSync(join(tmpdir(), "mutation-compose-"));
    try {
      const file = join(dir, "bundle.tar.gz");
      writeFileSync(file, archive);
      const found: { path: string; mtime: number; uid: number | undefined; text: string }[] = [];
      await listTar({
        file,
        onReadEntry: (entry) => {
          const chunks: Buffer[] = [];
          entry.on("data", (chunk: Buffer) => chunks.push(chunk));
          entry.on("end", () =>
            found.push({
              path: entry.path,
              mtime: entry.mtime?.getTime() ?? -1,
              uid: entry.uid,
              text: Buffer.concat(chunks).toString("utf8"),
            }),
          );
        },
      });
      return found;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it("packs the bundle folder's files, sorted, at time 0 and without owners, the same bytes each time, and leaves no staging folder", async () => {
    const bundle = {
      stage: "e2e",
      dir: "compose/e2e",
      files: [
        { path: "compose/e2e/secrets/auth/b", text: "B" },
        { path: "compose/e2e/docker-compose.yml", text: "name: x\n" },
        { path: "compose/e2e/secrets/auth/a", text: "A" },
      ],
    };
    // The staging folder goes under TMPDIR: a fresh one shows whether it is removed.
    const staging = mkdtempSync(join(tmpdir(), "mutation-compose-tmp-"));
    const saved = process.env.TMPDIR;
    const restore = () => {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    };
    process.env.TMPDIR = staging;
    try {
      const packed = await packBundle(bundle);
      assert.deepEqual(readdirSync(staging), []);
      assert.deepEqual(packed.entries, ["docker-compose.yml", "secrets/auth/a", "secrets/auth/b"]);
      assert.deepEqual(packed.archive.subarray(0, 2), Buffer.from([0x1f, 0x8b]), "gzip");
      assert.deepEqual((await packBundle(bundle)).archive, packed.archive);
      restore();
      assert.deepEqual(await entriesOf(packed.archive), [
        { path: "docker-compose.yml", mtime: 0, uid: undefined, text: "name: x\n" },
        { path: "secrets/auth/a", mtime: 0, uid: undefined, text: "A" },
        { path: "secrets/auth/b", mtime: 0, uid: undefined, text: "B" },
      ]);
    } finally {
      restore();
      rmSync(staging, { recursive: true, force: true });
    }
  });
});
