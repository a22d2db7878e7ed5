import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, it } from "node:test";
import { extract } from "tar";
import { runCli } from "../support/cli.ts";
import { composeCheck } from "../support/compose-check.ts";
import { snapshot, temporaryRepo } from "../support/repo-fixture.ts";

describe("the e2e compose bundle on disk: generate and bundle", () => {
  let repo: ReturnType<typeof temporaryRepo>;
  beforeEach(() => (repo = temporaryRepo()));
  afterEach(() => repo.cleanup());

  it("bundle packs exactly the committed compose/e2e folder; unpacked, it is the same files", async () => {
    const output = join(repo.dir, "out", "e2e-docker-compose.tar.gz");
    const result = await runCli(repo.dir, ["bundle", "--output", output, "--json"]);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(JSON.parse(result.stdout).output, output);
    const unpacked = mkdtempSync(join(tmpdir(), "jore4-flux-unpacked-"));
    try {
      await extract({ file: output, cwd: unpacked });
      const committed = snapshot(join(repo.dir, "compose/e2e"));
      assert.deepEqual(snapshot(unpacked), committed);
      assert.ok(Object.keys(committed).includes("docker-compose.yml"));
      assert.equal(readFileSync(join(unpacked, "secrets/hasura/db-password"), "utf8"), "postgres");
    } finally {
      rmSync(unpacked, { recursive: true, force: true });
    }
  });

  it("refuses a stage without a bundle (exit 2)", async () => {
    const result = await runCli(repo.dir, ["bundle", "dev"]);
    assert.equal(result.exitCode, 2);
    assert.match(result.stderr, /^error: 'dev' is not a kind stage: bundles exist for e2e$/);
  });

  it("generate --check finds a hand-edited or stray bundle file; generate restores and removes them", async () => {
    const compose = join(repo.dir, "compose/e2e/docker-compose.yml");
    const committed = readFileSync(compose, "utf8");
    writeFileSync(compose, committed.replace("127.0.0.1:3300:80", "0.0.0.0:3300:80"));
    writeFileSync(join(repo.dir, "compose/e2e/secrets/auth/old-secret"), "stale");
    const check = await runCli(repo.dir, ["generate", "--check"]);
    assert.equal(check.exitCode, 1);
    assert.match(check.stdout, /^-\s+- 0\.0\.0\.0:3300:80$/m);
    assert.match(check.stdout, /a\/compose\/e2e\/secrets\/auth\/old-secret/);
    assert.equal((await runCli(repo.dir, ["generate"])).exitCode, 0);
    assert.equal(readFileSync(compose, "utf8"), committed);
    assert.ok(!Object.keys(snapshot(repo.dir)).includes("compose/e2e/secrets/auth/old-secret"));
  });

  it("check reports a stale bundle file as the stage's generated-up-to-date error", async () => {
    writeFileSync(join(repo.dir, "compose/e2e/nginx.conf"), "# edited by hand\n");
    const result = await runCli(repo.dir, ["check", "e2e"]);
    assert.equal(result.exitCode, 1);
    assert.match(
      result.stdout + result.stderr,
      /error \[generated-up-to-date\] e2e: compose\/e2e\/nginx\.conf\n\s+differs from what the values render/,
    );
  });

  it("loads with compose-go as docker compose would: images from the environment or .env, ports on 127.0.0.1", async () => {
    const dir = join(repo.dir, "compose/e2e");
    const plain = await composeCheck(dir);
    assert.equal(plain.exitCode, 0, plain.stderr);
    const project = JSON.parse(plain.stdout) as {
      services: Record<string, { image: string; ports?: { host_ip: string; published: string; target: number }[] }>;
      secrets: Record<string, { file: string }>;
    };
    assert.match(project.services["jore4-ui"]!.image, /^hsldevcom\/jore4-ui:fix-docker-css--/);
    assert.deepEqual(project.services["jore4-proxy"]!.ports, [
      { mode: "ingress", host_ip: "127.0.0.1", target: 80, published: "3300", protocol: "tcp" },
    ]);
    assert.equal(project.secrets["hasura-db-password"]!.file, join(dir, "secrets/hasura/db-password"));
    const overridden = await composeCheck(dir, { UI_DOCKER_IMAGE: "hsldevcom/jore4-ui:main--abc" });
    assert.equal(JSON.parse(overridden.stdout).services["jore4-ui"].image, "hsldevcom/jore4-ui:main--abc");
    writeFileSync(join(dir, ".env"), "HASURA_DOCKER_IMAGE=ghcr.io/x/hasura:1\n");
    assert.equal(JSON.parse((await composeCheck(dir)).stdout).services["jore4-hasura"].image, "ghcr.io/x/hasura:1");
  });

  it("compose-go rejects a broken copy (a secret that is not declared)", async () => {
    const compose = join(repo.dir, "compose/e2e/docker-compose.yml");
    writeFileSync(compose, readFileSync(compose, "utf8").replace("source: auth-oidc-client-id", "source: nope"));
    const result = await composeCheck(join(repo.dir, "compose/e2e"));
    assert.equal(result.exitCode, 1);
    assert.match(result.stderr, /nope/);
  });
});
