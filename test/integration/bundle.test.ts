import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, it } from "node:test";
import { extract } from "tar";
import { runCli } from "../support/cli.ts";
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
});
