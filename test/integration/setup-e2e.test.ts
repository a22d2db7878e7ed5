import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { execa } from "execa";
import { runCli } from "../support/cli.ts";
import { repoRoot, temporaryRepo } from "../support/repo-fixture.ts";

/**
 * The shell part of the setup-e2e action, run for real: the bundle is built by `jore4-flux bundle`
 * from a copy of the configuration, served over HTTP on 127.0.0.1 as a release would be, and the
 * health checks answered by HTTP servers on 127.0.0.1 standing where the services publish their
 * ports. `docker compose up`, the `exec` checks (pg_isready) and the logs themselves run on a
 * real Docker engine in compose-e2e.test.ts; here the failure path is run up to asking for them.
 */
const script = join(repoRoot, ".github/actions/setup-e2e/setup-e2e.sh");

async function listen(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; port: number }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

describe("setup-e2e.sh (the e2e action's shell part)", () => {
  const repo = temporaryRepo();
  const work = mkdtempSync(join(tmpdir(), "jore4-flux-setup-e2e-"));
  const servers: Server[] = [];
  /** Per port, the status each path answers (missing path: 404); changed by the tests. */
  const answers = new Map<number, Record<string, number>>();
  let releases = 0;
  let ports: { auth: number; hasura: number; ui: number; proxy: number };
  let bundle: Buffer;

  const run = (step: string[], env: Record<string, string> = {}) =>
    execa("bash", [script, ...step], {
      reject: false,
      env: {
        E2E_DIR: join(work, "e2e"),
        E2E_LOGS_DIR: join(work, "logs"),
        E2E_BUNDLE_BASE_URL: `http://127.0.0.1:${releases}/releases`,
        ...env,
      },
    });

  before(async () => {
    for (const name of ["auth", "hasura", "ui", "proxy"] as const) {
      const listening = await listen((request, response) => {
        const status = answers.get(listening.port)?.[request.url ?? ""] ?? 404;
        response.writeHead(status).end();
      });
      servers.push(listening.server);
      ports = { ...ports, [name]: listening.port };
    }
    // The bundle of a configuration whose ports are the servers' (the database is left out: its check runs in the container).
    const common = join(repo.dir, "values/common.yaml");
    writeFileSync(
      common,
      readFileSync(common, "utf8")
        .replace("localPort: 3200", `localPort: ${ports.auth}`)
        .replace("localPort: 3201", `localPort: ${ports.hasura}`)
        .replace("localPort: 3302", `localPort: ${ports.ui}`),
    );
    const e2e = join(repo.dir, "values/e2e.yaml");
    writeFileSync(
      e2e,
      readFileSync(e2e, "utf8")
        .replace("hostPort: 3300", `hostPort: ${ports.proxy}`)
        .replace(/testdb:\n {4}enabled: true/, "testdb:\n    enabled: false")
        .replace("dependsOn: [testdb]", "dependsOn: []"),
    );
    assert.equal((await runCli(repo.dir, ["generate"])).exitCode, 0);
    const archive = join(work, "bundle.tar.gz");
    const packed = await runCli(repo.dir, ["bundle", "--output", archive]);
    assert.equal(packed.exitCode, 0, packed.stderr);
    bundle = readFileSync(archive);
    const release = await listen((request, response) => {
      const found = ["/releases/latest/download/", "/releases/download/v1/"].some(
        (prefix) => request.url === `${prefix}e2e-docker-compose.tar.gz`,
      );
      if (found) response.writeHead(200, { "content-type": "application/gzip" }).end(bundle);
      else response.writeHead(404).end();
    });
    servers.push(release.server);
    releases = release.port;
  });

  after(async () => {
    for (const server of servers) await new Promise((resolve) => server.close(resolve));
    repo.cleanup();
    rmSync(work, { recursive: true, force: true });
  });

  const healthy = () => {
    answers.set(ports.auth, { "/actuator/health": 200 });
    answers.set(ports.hasura, { "/healthz": 200 });
    answers.set(ports.ui, { "/": 200 });
    answers.set(ports.proxy, { "/api/auth/actuator/health": 200, "/api/graphql/healthz": 200, "/": 200 });
  };
  const readBundle = (name: string) => readFileSync(join(work, "e2e", name), "utf8");

  it("fetch unpacks the latest bundle and writes the chosen images (a tag or a full image) into its .env", async () => {
    const result = await run(["fetch"], {
      UI_VERSION: "main--1a2b3c",
      HASURA_VERSION: "ghcr.io/hsldevcom/jore4-hasura:pr-7",
      AUTH_VERSION: "",
    });
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(
      readBundle(".env"),
      "HASURA_DOCKER_IMAGE=ghcr.io/hsldevcom/jore4-hasura:pr-7\nUI_DOCKER_IMAGE=hsldevcom/jore4-ui:main--1a2b3c\n",
    );
    assert.equal(
      readBundle("docker-compose.yml"),
      readFileSync(join(repo.dir, "compose/e2e/docker-compose.yml"), "utf8"),
    );
    assert.match(
      readBundle("health-checks.txt"),
      new RegExp(`jore4-hasura direct http://127.0.0.1:${ports.hasura}/healthz\n`),
    );
  });

  it("fetch takes a release by its tag, and fails clearly on one that does not exist", async () => {
    assert.equal((await run(["fetch"], { E2E_BUNDLE_VERSION: "v1" })).exitCode, 0);
    assert.equal(readBundle(".env"), "");
    const missing = await run(["fetch"], { E2E_BUNDLE_VERSION: "v404" });
    assert.equal(missing.exitCode, 3);
    assert.match(
      missing.stderr,
      /setup-e2e: could not download or unpack http:\/\/127\.0\.0\.1:\d+\/releases\/download\/v404\/e2e-docker-compose\.tar\.gz/,
    );
  });

  it("wait retries until every check passes, directly and through the proxy", async () => {
    assert.equal((await run(["fetch"])).exitCode, 0);
    healthy();
    answers.set(ports.ui, {});
    const late = setTimeout(() => answers.set(ports.ui, { "/": 200 }), 3000);
    const started = Date.now();
    const result = await run(["wait"], { E2E_TIMEOUT: "60" });
    clearTimeout(late);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.ok(Date.now() - started >= 2500, "the ui check was retried");
    const passed = result.stderr.split("\n").filter((line) => / ok$/.test(line));
    assert.deepEqual(
      passed.map((line) => line.split(" ").slice(1, 3).join(" ")),
      [
        "jore4-auth: direct",
        "jore4-auth: proxy",
        "jore4-hasura: direct",
        "jore4-hasura: proxy",
        "jore4-ui: direct",
        "jore4-ui: proxy",
      ],
    );
    assert.match(result.stderr, /setup-e2e: every service answers$/);
  });

  it("wait fails after its timeout naming the service and check, and asks for that service's logs", async () => {
    assert.equal((await run(["fetch"])).exitCode, 0);
    healthy();
    answers.set(ports.hasura, { "/healthz": 503 });
    const result = await run(["wait"], { E2E_TIMEOUT: "3" });
    assert.equal(result.exitCode, 1);
    assert.match(result.stderr, /jore4-auth: proxy \S+ ok\n/);
    assert.match(
      result.stderr,
      new RegExp(
        `setup-e2e: jore4-hasura did not come up: direct http://127.0.0.1:${ports.hasura}/healthz failed for 3 s: curl: \\(22\\) .*503`,
      ),
    );
    assert.match(result.stderr, /setup-e2e: logs of jore4-hasura:\n/);
    // No engine here (compose-e2e.test.ts runs one): the logs step runs and says it could not print them.
    assert.match(result.stderr, /setup-e2e: could not print the logs of jore4-hasura\n/);
    assert.match(result.stderr, new RegExp(`setup-e2e: saved every service's logs in ${join(work, "logs")}$`));
    assert.doesNotMatch(result.stderr, /jore4-ui/);
  });

  it("in kind mode waits on the ingress routes only (the services' local ports are not published there)", async () => {
    assert.equal((await run(["fetch"])).exitCode, 0);
    healthy();
    for (const port of [ports.auth, ports.hasura, ports.ui]) answers.set(port, {});
    const result = await run(["wait"], { E2E_MODE: "kind", E2E_TIMEOUT: "5" });
    assert.equal(result.exitCode, 0, result.stderr);
    assert.doesNotMatch(result.stderr, / direct /);
    assert.equal(result.stderr.split("\n").filter((line) => / proxy \S+ ok$/.test(line)).length, 3);
  });

  for (const [name, step, env, message] of [
    ["an unknown mode", ["wait"], { E2E_MODE: "swarm" }, /E2E_MODE must be compose or kind, not 'swarm'/],
    ["an unknown step", ["bogus"], {}, /unknown step 'bogus'/],
    ["a timeout that is not a number", ["wait"], { E2E_TIMEOUT: "10m" }, /E2E_TIMEOUT must be a number of seconds/],
    ["two steps", ["fetch", "wait"], {}, /one step at most, got 2/],
    [
      "waiting before fetching",
      ["wait"],
      { E2E_DIR: join(tmpdir(), "jore4-flux-nothing-here") },
      /run the fetch step first/,
    ],
  ] as const) {
    it(`refuses ${name} (exit 2)`, async () => {
      const result = await run([...step], env);
      assert.equal(result.exitCode, 2, result.stderr);
      assert.match(result.stderr, message);
    });
  }
});
