import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { startComposeE2e, editFile } from "../support/compose-e2e.ts";
import { sharedRig } from "../support/shared-rig.ts";

/**
 * The e2e bundle for real, as another repository's CI runs it: `jore4-flux bundle` → the
 * setup-e2e action's fetch from a release served on 127.0.0.1 → `docker compose up --wait` on a
 * private Docker engine with the offline-built images (a real PostgreSQL + PostGIS, a real nginx,
 * and the contract stand-ins for auth, hasura and ui, given as the action's image inputs) → the
 * health wait → every route of the proxy answered → `docker compose down`. Then the wiring broken
 * as a person might break it, each caught by the run with the failing service named and its logs
 * shown, as the action prints them.
 */
const e2e = sharedRig("the compose e2e rig", startComposeE2e);

interface Echo {
  service: string;
  path: string;
  query: string;
  headers: Record<string, string>;
  settings: Record<string, string>;
}

/** The routes of the fetched bundle's nginx.conf: each prefix and the service it passes to. */
function proxyRoutes(dir: string): { prefix: string; service: string }[] {
  const conf = readFileSync(join(dir, "nginx.conf"), "utf8");
  return [
    ...conf.matchAll(
      /location ~ \^(\/[^(\s]*)\((?:\/\|\$)?\)\(\.\*\) \{[^}]*?proxy_pass http:\/\/jore4-([a-z0-9-]+):\d+;/g,
    ),
  ].map((match) => ({ prefix: match[1]!, service: match[2]! }));
}

describe("the setup-e2e action on a real Docker engine", () => {
  it("brings the bundle up in dependency order, prints the images, answers every proxy route, and down leaves nothing", async (t) => {
    const rig = e2e();
    t.diagnostic(
      `engine ready in ${rig.engine.startSeconds.toFixed(1)} s (${rig.engine.storageDriver}); images ready in ${rig.images.timings.totalSeconds.toFixed(1)} s (root file system ${rig.images.timings.rootfsCached ? "cached" : `built in ${rig.images.timings.rootfsSeconds.toFixed(0)} s`}, import ${rig.images.timings.importSeconds.toFixed(1)} s, builds ${rig.images.timings.buildSeconds.toFixed(1)} s)`,
    );
    await rig.release("shipped");
    const runStarted = Date.now();
    const run = await rig.action("shipped", "all", { E2E_TIMEOUT: "180" });
    try {
      assert.equal(run.exitCode, 0, run.stderr);
      t.diagnostic(`fetch + up --wait + wait: ${run.seconds.toFixed(1)} s`);
      assert.match(run.stderr, /setup-e2e: every service answers$/);

      // Which images are we testing: each service's image, its id and its version label.
      for (const [service, reference] of Object.entries(rig.images.images))
        assert.match(
          run.stderr,
          new RegExp(`setup-e2e: jore4-${service} runs ${reference.replace(/[.]/g, "\\.")} \\(image [0-9a-f]{12}[,)]`),
        );
      assert.match(
        run.stderr,
        /jore4-testdb runs \S+ \(image [0-9a-f]{12}, version postgresql-15 15\.\S+, postgis 3\.\S+\)/,
      );
      assert.match(run.summary, /^\| jore4-hasura \| jore4-e2e\/hasura:[0-9a-f]+ \| [0-9a-f]{12} \| - \| - \|$/m);
      assert.equal(run.output, "", "no logs folder when nothing failed");

      // Databases first: hasura started once testdb was healthy; the proxy once every routed service
      // was. From the engine's events (a container's health log keeps only its last 5 checks).
      const compose = (...args: string[]) =>
        rig.engine.docker(["compose", "--project-directory", run.dir, ...args]).then((result) => String(result.stdout));
      const events = String(
        (
          await rig.engine.docker([
            "events",
            "--since",
            String(Math.floor(runStarted / 1000) - 1),
            "--until",
            String(Math.ceil(Date.now() / 1000)),
            "--filter",
            "type=container",
            "--format",
            "{{.TimeNano}} {{.Actor.Attributes.name}} {{.Status}}",
          ])
        ).stdout,
      )
        .split("\n")
        .map((line) => line.split(" "))
        .map(([time, name, ...status]) => ({ time: BigInt(time!), name: name!, status: status.join(" ") }));
      const first = (name: string, status: string) => {
        const event = events.find((candidate) => candidate.name === name && candidate.status === status);
        assert.ok(event, `an event ${status} of ${name}`);
        return event.time;
      };
      assert.ok(first("hasura", "start") > first("testdb", "health_status: healthy"), "hasura after testdb");
      for (const name of ["auth", "hasura", "ui"])
        assert.ok(first("proxy", "start") > first(name, "health_status: healthy"), `the proxy after ${name}`);

      // testdb is a real PostGIS, and hasura's stand-in really connected with its secrets.
      assert.match(
        await compose(
          "exec",
          "-T",
          "jore4-testdb",
          "psql",
          "-U",
          "postgres",
          "-d",
          "jore4e2e",
          "-Atc",
          "select postgis_lib_version()",
        ),
        /^3\.\d+\.\d+/,
      );
      assert.match(
        await compose("logs", "--no-color", "jore4-hasura"),
        /hasura stand-in: connected to the database postgres on jore4-testdb:5432 as postgres \(PostgreSQL 15\./,
      );

      // Every route of the proxy's nginx.conf, through the published port: the prefix cut as the real proxy does.
      const proxy = `http://127.0.0.1:${rig.ports.proxy}`;
      const routes = proxyRoutes(run.dir);
      assert.deepEqual(routes.map((route) => `${route.prefix} ${route.service}`).sort(), [
        "/ ui",
        "/api/auth auth",
        "/api/graphql hasura",
      ]);
      const through = async (path: string, status = 200) => {
        const answer = await rig.get(`${proxy}${path}`);
        assert.equal(answer.status, status, `${path}: ${answer.body}`);
        return JSON.parse(answer.body) as Echo;
      };
      // A path each real service has, reached through its prefix with the query kept.
      const served: Record<string, string> = {
        hasura: "/v1/graphql",
        auth: "/public/v1/login",
        ui: "/routes/some/page",
      };
      for (const { prefix, service } of routes) {
        const base = prefix === "/" ? "" : prefix;
        const deep = await through(`${base}${served[service]}?x=1&y=two`);
        assert.deepEqual([deep.service, deep.path, deep.query], [service, served[service], "x=1&y=two"], prefix);
        // The Host the browser used, port and all (redirects need it), and who asked.
        assert.equal(deep.headers.Host, `127.0.0.1:${rig.ports.proxy}`);
        assert.match(deep.headers["X-Forwarded-For"] ?? "", /^\d+\.\d+\.\d+\.\d+$/);
        // The bare prefix is the service's root: a 404 from hasura and auth, as from the real ones.
        const bare = await through(base || "/", service === "ui" ? 200 : 404);
        assert.deepEqual([bare.service, bare.path], [service, "/"], prefix);
      }
      // A prefix matches whole path segments only: /api/graphqlx is the UI's.
      const near = await through("/api/graphqlx");
      assert.deepEqual([near.service, near.path], ["ui", "/api/graphqlx"]);

      // The URLs auth sends browsers to lead back through the proxy: to auth itself, and to the UI.
      const { settings } = await through("/api/auth/actuator/health");
      const reach = (name: string, url: string) =>
        rig.get(url).catch((error: Error) => assert.fail(`${name} ${url} does not reach the proxy: ${error.message}`));
      const login = await reach(
        "SELF_PUBLIC_BASE_URL + API_PATH_PREFIX_PUBLIC",
        `${settings.SELF_PUBLIC_BASE_URL}${settings.API_PATH_PREFIX_PUBLIC}/public/v1/login`,
      );
      assert.equal(
        login.status,
        200,
        `SELF_PUBLIC_BASE_URL ${settings.SELF_PUBLIC_BASE_URL} + ${settings.API_PATH_PREFIX_PUBLIC}`,
      );
      assert.deepEqual(
        [(JSON.parse(login.body) as Echo).service, (JSON.parse(login.body) as Echo).path],
        ["auth", "/public/v1/login"],
      );
      for (const name of ["LOGINPAGE_URL", "LOGOUTPAGE_URL"]) {
        const page = await reach(name, settings[name]!);
        assert.equal(page.status, 200, `${name} ${settings[name]}`);
        assert.equal((JSON.parse(page.body) as Echo).service, "ui", name);
      }
    } finally {
      const started = performance.now();
      const down = await rig.down("shipped");
      assert.equal(down.exitCode, 0, String(down.all));
      t.diagnostic(`down: ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }
    assert.deepEqual(await rig.leftovers(), { containers: [], networks: [], volumes: [] });
  });

  it("names hasura when its db-hostname names no service, and auth when a secret is mounted elsewhere, with their logs", async () => {
    const rig = e2e();
    await rig.release("wiring", {
      // A database host no service has. (The original's own bug, `testdb`, names no Service in kind,
      // but here it is testdb's container_name, which the compose network resolves too.)
      values: (repo) =>
        editFile(repo, "values/e2e.yaml", (text) => text.replace("local: jore4-testdb", "local: jore4-db")),
      files: {
        "docker-compose.yml": (text) =>
          text.replace("target: /mnt/secrets-store/oidc-client-secret", "target: /mnt/secrets-store/oidc-secret"),
      },
    });
    const run = await rig.action("wiring", "all", { E2E_TIMEOUT: "30" });
    try {
      assert.equal(run.exitCode, 1, run.stderr);
      assert.match(run.stderr, /setup-e2e: the e2e environment did not come up within 30 s\n/);
      assert.match(run.stderr, /setup-e2e: jore4-hasura is running, (starting|unhealthy); its healthcheck said: /);
      assert.match(run.stderr, /setup-e2e: logs of jore4-hasura:\n/);
      assert.match(
        run.stderr,
        /hasura stand-in: not ready: database postgres on jore4-db:5432 as postgres: .*lookup jore4-db/,
      );
      assert.match(run.stderr, /setup-e2e: jore4-auth is running, (starting|unhealthy)/);
      assert.match(
        run.stderr,
        /auth stand-in: not ready: OIDC_CLIENT_SECRET is not set: no environment variable OIDC_CLIENT_SECRET and no secret file \/mnt\/secrets-store\/oidc-client-secret/,
      );
      assert.match(
        run.stderr,
        /setup-e2e: jore4-proxy was not started: a service it depends on did not become healthy/,
      );
      assert.doesNotMatch(run.stderr, /setup-e2e: (jore4-testdb|jore4-ui) is /);
      // Every service's logs saved for the CI artifact, the folder named in the step's output.
      assert.equal(run.output, `logs_dir=${run.logsDir}\n`);
      assert.deepEqual(readdirSync(run.logsDir).sort(), [
        "containers.txt",
        "jore4-auth.log",
        "jore4-hasura.log",
        "jore4-proxy.log",
        "jore4-testdb.log",
        "jore4-ui.log",
      ]);
      assert.match(readFileSync(join(run.logsDir, "jore4-hasura.log"), "utf8"), /lookup jore4-db/);
      assert.match(
        readFileSync(join(run.logsDir, "jore4-testdb.log"), "utf8"),
        /database system is ready to accept connections/,
      );
    } finally {
      assert.equal((await rig.down("wiring")).exitCode, 0);
    }
    assert.deepEqual(await rig.leftovers(), { containers: [], networks: [], volumes: [] });
  });

  it("names the route when the proxy passes to a wrong port, with the proxy's logs", async () => {
    const rig = e2e();
    await rig.release("route", {
      files: {
        "nginx.conf": (text) =>
          text.replace("proxy_pass http://jore4-hasura:8080;", "proxy_pass http://jore4-hasura:8081;"),
      },
    });
    try {
      assert.equal((await rig.action("route", "fetch")).exitCode, 0);
      const up = await rig.action("route", "up", { E2E_TIMEOUT: "180" });
      assert.equal(up.exitCode, 0, up.stderr);
      const wait = await rig.action("route", "wait", { E2E_TIMEOUT: "5" });
      assert.equal(wait.exitCode, 1, wait.stderr);
      assert.match(wait.stderr, /setup-e2e: jore4-hasura: direct \S+ ok\n/);
      assert.match(
        wait.stderr,
        new RegExp(
          `setup-e2e: jore4-hasura did not come up: proxy http://127\\.0\\.0\\.1:${e2e().ports.proxy}/api/graphql/healthz failed for 5 s: curl: \\(22\\) .*502`,
        ),
      );
      assert.match(wait.stderr, /setup-e2e: logs of jore4-proxy:\n/);
      assert.match(
        wait.stderr,
        /connect\(\) failed \(111: Connection refused\) while connecting to upstream.*upstream: "http:\/\/[\d.]+:8081\/healthz"/,
      );
      assert.ok(existsSync(join(wait.logsDir, "jore4-proxy.log")));
    } finally {
      assert.equal((await rig.down("route")).exitCode, 0);
    }
  });

  it("runs testdb with the official postgres image's environment contract", async () => {
    const { engine, images } = e2e();
    // No password, no database: refused, as the official image refuses.
    const refused = await engine
      .docker(["run", "--rm", "--network", "none", images.images.testdb], { timeoutSeconds: 60 })
      .catch((error: { exitCode: number; all: string }) => error);
    assert.equal(refused.exitCode, 1);
    assert.match(String(refused.all), /Database is uninitialized and superuser password is not specified/);
    // POSTGRES_USER, POSTGRES_PASSWORD and POSTGRES_DB make the superuser and its database, with
    // PostGIS; from the network the password is needed (scram-sha-256), as in the official image.
    const [network, name] = ["testdb-contract", "testdb-contract"];
    await engine.docker(["network", "create", network]);
    try {
      await engine.docker([
        "run",
        "-d",
        "--name",
        name,
        "--network",
        network,
        "-e",
        "POSTGRES_USER=alice",
        "-e",
        "POSTGRES_PASSWORD=s3cret",
        "-e",
        "POSTGRES_DB=shop",
        images.images.testdb,
      ]);
      // A client in another container of the same network (the image's own psql).
      const client = (password: string, ...command: string[]) =>
        engine.docker([
          "run",
          "--rm",
          "--network",
          network,
          "-e",
          `PGPASSWORD=${password}`,
          images.images.testdb,
          ...command,
        ]);
      const deadline = Date.now() + 60_000;
      while (
        !(await client("", "pg_isready", "-h", name, "-U", "alice").then(
          () => true,
          () => false,
        ))
      ) {
        assert.ok(Date.now() < deadline, "testdb answers on the network within 60 s");
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      const query = (password: string) =>
        client(
          password,
          "psql",
          "-h",
          name,
          "-U",
          "alice",
          "-d",
          "shop",
          "-Atc",
          "select current_user, postgis_lib_version()",
        );
      assert.match(String((await query("s3cret")).stdout), /^alice\|3\.\d+/);
      await assert.rejects(query("wrong"), /password authentication failed for user "alice"/);
    } finally {
      await engine.docker(["rm", "-f", "-v", name]).catch(() => undefined);
      await engine.docker(["network", "rm", network]);
    }
  });

  it("fails at once, naming both services, when the bundle lacks a service another depends on", async () => {
    const rig = e2e();
    await rig.release("missing", {
      files: {
        "docker-compose.yml": (text) => text.replace(/\n {2}jore4-testdb:\n(?: {4}.*\n)+/, "\n"),
      },
    });
    const run = await rig.action("missing", "all", { E2E_TIMEOUT: "60" });
    assert.equal(run.exitCode, 1, run.stderr);
    assert.ok(run.seconds < 30, `refused in ${run.seconds} s`);
    assert.match(run.stderr, /jore4-hasura.*depends on undefined service "?jore4-testdb"?/);
    assert.match(run.stderr, /setup-e2e: docker compose cannot load the bundle in \S+ \(its error is above\)/);
    assert.deepEqual(await rig.leftovers(), { containers: [], networks: [], volumes: [] });
  });
});
