import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { execa } from "execa";
import { toolsBinDir } from "../../src/tools/paths.ts";
import { answers, freePort, Processes } from "../support/processes.ts";
import { repoRoot } from "../support/repo-fixture.ts";

/**
 * The contract stand-in (tools/go/e2e-standin) as a plain process, without Docker: what it reads
 * and how it answers. Its database connection is exercised on the Docker engine in
 * compose-e2e.test.ts, against the real PostgreSQL of the testdb image.
 */
const standin = join(toolsBinDir(repoRoot), "e2e-standin");
const dir = mkdtempSync(join(tmpdir(), "jore4-flux-standin-"));
const processes = new Processes(dir);
after(async () => {
  await processes.stopAll();
  rmSync(dir, { recursive: true, force: true });
});

async function start(name: string, service: string, env: Record<string, string>): Promise<string> {
  const port = await freePort();
  const portSetting = { auth: "SERVER_PORT", hasura: "HASURA_GRAPHQL_SERVER_PORT" }[service];
  assert.ok(portSetting, `a port setting for ${service}`);
  processes.start(name, standin, [service], { PATH: process.env.PATH, [portSetting]: String(port), ...env });
  const base = `http://127.0.0.1:${port}`;
  await processes.waitUntil(name, 20, async () => {
    const response = await fetch(base).catch(() => undefined);
    return response !== undefined;
  });
  return base;
}

function secrets(name: string, files: Record<string, string>): string {
  const folder = join(dir, name);
  mkdirSync(folder);
  for (const [file, value] of Object.entries(files)) writeFileSync(join(folder, file), `${value}\n`);
  return folder;
}

const authSettings = {
  SELF_PUBLIC_BASE_URL: "http://localhost:3300",
  LOGINPAGE_URL: "http://localhost:3300",
  LOGOUTPAGE_URL: "http://localhost:3300",
  OIDC_PROVIDER_BASE_URL: "https://hslid-dev.t5.fi",
  API_PATH_PREFIX: "",
  API_PATH_PREFIX_PUBLIC: "/api/auth",
};

/** The auth stand-in `name` with its secret files (in `folder`) and these settings over the working ones. */
async function startAuth(name: string, files: Record<string, string>, settings: Record<string, string> = {}) {
  const folder = secrets(name, files);
  return { base: await start(name, "auth", { ...authSettings, ...settings, SECRET_STORE_BASE_PATH: folder }), folder };
}

describe("the e2e contract stand-in", () => {
  it("auth: ready once every setting is read from the environment and the secret files; then echoes the request", async () => {
    const { base } = await startAuth("auth-ok", {
      "oidc-client-id": "0838619941439007",
      "oidc-client-secret": "s3cret",
    });
    await processes.waitUntil("auth-ok", 20, () => answers(`${base}/actuator/health`));
    const echo = (await (await fetch(`${base}/public/v1/login?next=%2F`)).json()) as {
      service: string;
      path: string;
      query: string;
      settings: Record<string, string>;
    };
    assert.deepEqual([echo.service, echo.path, echo.query], ["auth", "/public/v1/login", "next=%2F"]);
    assert.equal(echo.settings.OIDC_CLIENT_ID, "0838619941439007", "a secret file's value, its newline cut");
    assert.equal(echo.settings.API_PATH_PREFIX, "");
    assert.ok(!("OIDC_CLIENT_SECRET" in echo.settings), "secrets are not echoed");
    // Only the paths the real auth has: under API_PATH_PREFIX ("" here), the actuator, its API specs.
    const missing = await fetch(`${base}/api/public/v1/login`);
    assert.equal(missing.status, 404);
    assert.equal(((await missing.json()) as { path: string }).path, "/api/public/v1/login");
    assert.match(processes.tail("auth-ok"), /auth stand-in: ready: every setting read and checked/);
  });

  it("auth: serves its endpoints under the API_PATH_PREFIX it is given", async () => {
    const { base } = await startAuth(
      "auth-prefixed",
      { "oidc-client-id": "0838619941439007", "oidc-client-secret": "s3cret" },
      { API_PATH_PREFIX: "/api" },
    );
    await processes.waitUntil("auth-prefixed", 20, () => answers(`${base}/actuator/health`));
    assert.equal((await fetch(`${base}/api/public/v1/login`)).status, 200);
    assert.equal((await fetch(`${base}/public/v1/login`)).status, 404);
  });

  it("auth: answers 503 naming a missing secret file and a setting of the wrong form, on every path", async () => {
    const { base, folder } = await startAuth(
      "auth-broken",
      { "oidc-client-id": "0838619941439007", "oidc-secret": "s3cret" },
      { LOGINPAGE_URL: "localhost:3300" },
    );
    for (const path of ["/actuator/health", "/public/v1/login"]) {
      const response = await fetch(`${base}${path}`);
      assert.equal(response.status, 503);
      const text = await response.text();
      assert.match(
        text,
        new RegExp(
          `^auth stand-in is not ready: LOGINPAGE_URL="localhost:3300" is not an absolute http\\(s\\) URL; OIDC_CLIENT_SECRET is not set: no environment variable OIDC_CLIENT_SECRET and no secret file ${folder}/oidc-client-secret \\(the folder holds: oidc-client-id, oidc-secret\\)\\n$`,
        ),
      );
    }
    assert.match(processes.tail("auth-broken"), /auth stand-in: not ready: OIDC_CLIENT_SECRET is not set/);
  });

  it("hasura: needs its database settings from the secrets folder that SECRET_STORE_BASE_PATH names", async () => {
    const folder = secrets("hasura-elsewhere", {
      "db-hostname": "jore4-testdb",
      "db-name": "postgres",
      "db-username": "postgres",
      "db-password": "postgres",
      "hasura-admin-secret": "hasura",
    });
    // SECRET_STORE_BASE_PATH unset: the image looks in /run/secrets, where nothing is mounted.
    const base = await start("hasura-elsewhere", "hasura", {});
    const response = await fetch(`${base}/healthz`);
    assert.equal(response.status, 503);
    assert.match(
      await response.text(),
      /the secrets folder \/run\/secrets \(SECRET_STORE_BASE_PATH\): open \/run\/secrets: no such file/,
    );
    // Given the folder, it goes on to the database, which is not there.
    const base2 = await start("hasura-nodb", "hasura", {
      SECRET_STORE_BASE_PATH: folder,
      HASURA_GRAPHQL_ENABLE_CONSOLE: "no",
    });
    const text = await (await fetch(`${base2}/healthz`)).text();
    assert.match(text, /HASURA_GRAPHQL_ENABLE_CONSOLE="no" is not true or false/);
    assert.doesNotMatch(text, /database/, "the database is tried once the settings are right");
  });

  it("refuses an unknown service (exit 2)", async () => {
    const result = await execa(standin, ["graphql"], { reject: false });
    assert.equal(result.exitCode, 2);
    assert.equal(result.stderr, 'e2e-standin: unknown service "graphql" (known: auth, hasura, ui)');
  });
});
