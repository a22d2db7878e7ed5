import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { execa } from "execa";
import { runCli } from "../support/cli.ts";
import { composeCheck } from "../support/compose-check.ts";
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
  /** Requests the release server was asked, e.g. to prove a refused version never reached it. */
  const releaseRequests: string[] = [];
  let ports: { auth: number; hasura: number; ui: number; proxy: number };
  let bundle: Buffer;

  const run = (step: string[], env: Record<string, string> = {}, cwd = work) =>
    execa("bash", [script, ...step], {
      reject: false,
      cwd,
      env: {
        E2E_DIR: join(work, "e2e"),
        E2E_LOGS_DIR: join(work, "logs"),
        E2E_BUNDLE_BASE_URL: `http://127.0.0.1:${releases}/releases`,
        RUNNER_TEMP: join(work, "runner"),
        // Kind mode downloads remotecluster.sh from GitHub: through a closed port it fails at once, offline.
        https_proxy: "http://127.0.0.1:9",
        HTTPS_PROXY: "http://127.0.0.1:9",
        no_proxy: "",
        NO_PROXY: "",
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
      releaseRequests.push(request.url ?? "");
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
      "HASURA_DOCKER_IMAGE='ghcr.io/hsldevcom/jore4-hasura:pr-7'\nUI_DOCKER_IMAGE='hsldevcom/jore4-ui:main--1a2b3c'\n",
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

  /** compose-go (what `docker compose` parses with), built by `tools install`: the images it resolves from the bundle and its .env. */
  const composeImages = async (): Promise<Record<string, string>> => {
    const loaded = await composeCheck(join(work, "e2e"));
    assert.equal(loaded.exitCode, 0, loaded.stderr);
    const services = (JSON.parse(loaded.stdout) as { services: Record<string, { image: string }> }).services;
    return Object.fromEntries(Object.entries(services).map(([name, service]) => [name, service.image]));
  };

  it("docker compose's loader reads the written .env as exactly the chosen images", async () => {
    const digest = `sha256:${"a".repeat(64)}`;
    const result = await run(["fetch"], {
      UI_VERSION: "main--1a2b3c",
      HASURA_VERSION: `ghcr.io/hsldevcom/jore4-hasura@${digest}`,
      AUTH_VERSION: "[::1]:5000/jore4-auth:v1",
    });
    assert.equal(result.exitCode, 0, result.stderr);
    const images = await composeImages();
    assert.equal(images["jore4-ui"], "hsldevcom/jore4-ui:main--1a2b3c");
    assert.equal(images["jore4-hasura"], `ghcr.io/hsldevcom/jore4-hasura@${digest}`);
    assert.equal(images["jore4-auth"], "[::1]:5000/jore4-auth:v1");
  });

  /** One line on stderr, exit 2. */
  const refused = (result: { exitCode?: number; stderr: string }, message: RegExp) => {
    assert.equal(result.exitCode, 2, result.stderr);
    assert.equal(result.stderr.split("\n").length, 1, result.stderr);
    assert.match(result.stderr, message);
  };

  for (const mode of ["compose", "kind"]) {
    it(`${mode} mode refuses a version that would run a command, main--$(id>pwned): exit 2, nothing run`, async () => {
      const cwd = mkdtempSync(join(work, "cwd-"));
      const result = await run(["all"], { E2E_MODE: mode, UI_VERSION: "main--$(id>pwned)" }, cwd);
      refused(result, /^setup-e2e: UI_VERSION must be an image tag .* not 'main--\$\(id>pwned\)'$/);
      assert.equal(existsSync(join(cwd, "pwned")), false, "id ran");
    });
  }

  it("refuses a version with a space (the next word would run in kind mode): exit 2, nothing run", async () => {
    const cwd = mkdtempSync(join(work, "cwd-"));
    const result = await run(["all"], { E2E_MODE: "kind", UI_VERSION: "main--1 touch spaced" }, cwd);
    refused(result, /^setup-e2e: UI_VERSION must be an image tag .* not 'main--1 touch spaced'$/);
    assert.equal(existsSync(join(cwd, "spaced")), false, "the word after the space ran");
  });

  it("refuses a version with a newline that would add HASURA_DOCKER_IMAGE=evil/backdoor:1 to .env", async () => {
    assert.equal((await run(["fetch"], { UI_VERSION: "main--1" })).exitCode, 0);
    const result = await run(["fetch"], { UI_VERSION: "main--1\nHASURA_DOCKER_IMAGE=evil/backdoor:1" });
    refused(
      result,
      /^setup-e2e: UI_VERSION must be an image .* not \$'main--1\\nHASURA_DOCKER_IMAGE=evil\/backdoor:1'$/,
    );
    assert.equal(readBundle(".env"), "UI_DOCKER_IMAGE='hsldevcom/jore4-ui:main--1'\n");
    assert.doesNotMatch(readBundle(".env"), /evil/);
  });

  it("kind mode reads .env as data: a command in it is not run, and only the bundle's image variables are taken", async () => {
    const cwd = mkdtempSync(join(work, "cwd-"));
    assert.equal((await run(["fetch"])).exitCode, 0);
    const env = join(work, "e2e/.env");
    writeFileSync(env, "UI_DOCKER_IMAGE=hsldevcom/jore4-ui:x$(id>pwned)\n");
    refused(
      await run(["up"], { E2E_MODE: "kind" }, cwd),
      /\/e2e\/\.env:1: UI_DOCKER_IMAGE must be an image, not 'hsldevcom\/jore4-ui:x\$\(id>pwned\)'$/,
    );
    writeFileSync(env, "# images\nexport UI_DOCKER_IMAGE=x; id>pwned\n");
    refused(
      await run(["up"], { E2E_MODE: "kind" }, cwd),
      /\/e2e\/\.env:2: expected NAME_DOCKER_IMAGE='image', not 'export UI_DOCKER_IMAGE=x; id>pwned'$/,
    );
    assert.equal(existsSync(join(cwd, "pwned")), false, "id ran");
    writeFileSync(env, "UI_DOCKER_IMAGE='hsldevcom/jore4-ui:main--1'\nBASH_ENV='/tmp/x'\n");
    refused(
      await run(["up"], { E2E_MODE: "kind" }, cwd),
      /\/e2e\/\.env:2: BASH_ENV is not an image variable of the bundle/,
    );
    writeFileSync(env, "UI_DOCKER_IMAGE='hsldevcom/jore4-ui:main 1'\n");
    refused(await run(["up"], { E2E_MODE: "kind" }, cwd), /\/e2e\/\.env:1: UI_DOCKER_IMAGE must be an image/);
    // A valid .env passes; the download of remotecluster.sh then fails here, offline.
    writeFileSync(env, "# chosen images\nUI_DOCKER_IMAGE='hsldevcom/jore4-ui:main--1'\nAUTH_DOCKER_IMAGE=x/auth:1\n");
    const accepted = await run(["up"], { E2E_MODE: "kind" }, cwd);
    assert.match(accepted.stderr, /setup-e2e: kind: remotecluster\.sh of jore4-flux e2e\n/);
    assert.notEqual(accepted.exitCode, 0);
  });

  for (const [name, env, message] of [
    [
      "E2E_BUNDLE_VERSION",
      { E2E_BUNDLE_VERSION: "../../../etc" },
      /E2E_BUNDLE_VERSION must be latest or a release tag/,
    ],
    ["a tag", { UI_VERSION: "../../evil" }, /UI_VERSION must be an image .* not '\.\.\/\.\.\/evil'$/],
    ["an image", { HASURA_VERSION: "ghcr.io/../evil:1" }, /HASURA_VERSION must be an image/],
    ["E2E_SCRIPTS_VERSION", { E2E_SCRIPTS_VERSION: "../../evil/main" }, /E2E_SCRIPTS_VERSION must be a git ref/],
  ] as const) {
    it(`refuses ../ in ${name} before fetching anything (exit 2)`, async () => {
      const requests = releaseRequests.length;
      refused(await run(["fetch"], env), message);
      assert.equal(releaseRequests.length, requests, "the release server was asked");
    });
  }

  it("accepts a git ref with slashes as E2E_SCRIPTS_VERSION", async () => {
    assert.equal((await run(["fetch"], { E2E_SCRIPTS_VERSION: "feature/more-tests" })).exitCode, 0);
  });

  it("never removes an E2E_DIR it did not make: someone's folder, the parent folder, a symlink, empty, /", async () => {
    // Ordered so that the old script, which removed whatever E2E_DIR named, fails before the last case.
    const theirs = mkdtempSync(join(work, "theirs-"));
    writeFileSync(join(theirs, "keep.txt"), "mine\n");
    refused(
      await run(["fetch"], { E2E_DIR: theirs }),
      /E2E_DIR '.*theirs-\w+' holds files and is not an earlier bundle/,
    );
    assert.equal(readFileSync(join(theirs, "keep.txt"), "utf8"), "mine\n");
    const inside = join(theirs, "inside");
    mkdirSync(inside);
    refused(await run(["fetch"], { E2E_DIR: ".." }, inside), /E2E_DIR '\.\.' holds files and is not an earlier bundle/);
    assert.ok(existsSync(join(theirs, "keep.txt")));
    const link = join(work, "link");
    symlinkSync(join(work, "e2e"), link);
    refused(await run(["fetch"], { E2E_DIR: link }), /E2E_DIR '.*\/link' is a symlink/);
    refused(await run(["fetch"], { E2E_DIR: "" }), /^setup-e2e: E2E_DIR is set but empty$/);
    refused(await run(["fetch"], { E2E_DIR: "/" }), /^setup-e2e: E2E_DIR must not be \/$/);
    refused(await run(["fetch"], { E2E_DIR: join(theirs, "keep.txt") }), /keep\.txt' is not a folder$/);
  });

  it("replaces an earlier bundle and fills an empty folder", async () => {
    assert.equal((await run(["fetch"])).exitCode, 0);
    writeFileSync(join(work, "e2e/stale.txt"), "from before\n");
    assert.equal((await run(["fetch"])).exitCode, 0, "an earlier bundle is replaced");
    assert.equal(existsSync(join(work, "e2e/stale.txt")), false);
    // A bundle unpacked by hand (no mark) is waited on, but fetch does not remove it.
    rmSync(join(work, "e2e/.setup-e2e-bundle"));
    healthy();
    const waited = await run(["wait"], { E2E_TIMEOUT: "5" });
    assert.equal(waited.exitCode, 0, waited.stderr);
    refused(await run(["fetch"]), /holds files and is not an earlier bundle \(no \.setup-e2e-bundle\)/);
    writeFileSync(join(work, "e2e/.setup-e2e-bundle"), "");
    const empty = mkdtempSync(join(work, "empty-"));
    const result = await run(["fetch"], { E2E_DIR: empty });
    assert.equal(result.exitCode, 0, result.stderr);
    assert.ok(existsSync(join(empty, "docker-compose.yml")));
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
