import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, it } from "node:test";
import { runCli } from "../support/cli.ts";
import { snapshot, temporaryRepo } from "../support/repo-fixture.ts";

function changedLines(before: string, after: string): string[] {
  const old = before.split("\n");
  return after.split("\n").filter((line, index) => line !== old[index]);
}

describe("set-image", () => {
  let repo: ReturnType<typeof temporaryRepo>;
  beforeEach(() => (repo = temporaryRepo()));
  afterEach(() => repo.cleanup());
  const read = (path: string) => readFileSync(join(repo.dir, path), "utf8");

  it("changes one line of the shared values, keeps the comments, and regenerates every stage", async () => {
    const before = read("values/common.yaml");
    const result = await runCli(repo.dir, ["set-image", "hasura", "hsldevcom/jore4-hasura:main--abc123", "--json"]);
    assert.equal(result.exitCode, 0, result.stderr);
    const after = read("values/common.yaml");
    assert.deepEqual(changedLines(before, after), ["    image: hsldevcom/jore4-hasura:main--abc123"]);
    assert.equal(after.split("\n").length, before.split("\n").length);
    assert.deepEqual(JSON.parse(result.stdout).changedClusters, [
      ...["e2e", "playg", "dev", "test", "prod"].map((stage) => `clusters/${stage}/jore4-hasura.yaml`),
      "compose/e2e/docker-compose.yml",
    ]);
    assert.match(read("clusters/prod/jore4-hasura.yaml"), /image: hsldevcom\/jore4-hasura:main--abc123\n/);
    assert.equal((await runCli(repo.dir, ["generate", "--check"])).exitCode, 0);
  });

  it("writes a stage's override when asked, adding the key to it", async () => {
    const result = await runCli(repo.dir, ["set-image", "ui", "hsldevcom/jore4-ui:hotfix--1", "--stage", "prod"]);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(read("values/prod.yaml"), /\n {2}ui:\n {4}image: hsldevcom\/jore4-ui:hotfix--1\n$/);
    assert.match(read("values/prod.yaml"), /^# Stage prod/);
    assert.match(read("clusters/prod/jore4-ui.yaml"), /image: hsldevcom\/jore4-ui:hotfix--1\n/);
    assert.doesNotMatch(read("clusters/test/jore4-ui.yaml"), /hotfix--1/);
  });

  it("a second run with the same image changes nothing", async () => {
    assert.equal((await runCli(repo.dir, ["set-image", "ui", "hsldevcom/jore4-ui:v2"])).exitCode, 0);
    const before = snapshot(repo.dir);
    const again = await runCli(repo.dir, ["set-image", "ui", "hsldevcom/jore4-ui:v2"]);
    assert.equal(again.exitCode, 0);
    assert.match(again.stderr, /services\.ui\.image is already hsldevcom\/jore4-ui:v2/);
    assert.deepEqual(snapshot(repo.dir), before);
  });

  it("--dry-run prints the change and writes nothing", async () => {
    const before = snapshot(repo.dir);
    const result = await runCli(repo.dir, ["set-image", "auth", "hsldevcom/jore4-auth:v9", "--dry-run"]);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(result.stdout, /^\+ {10}image: hsldevcom\/jore4-auth:v9$/m);
    assert.deepEqual(snapshot(repo.dir), before);
  });

  it("writes an image YAML would read as another type (null, true, 1, 1e3) quoted, so it stays a string", async () => {
    for (const image of ["null", "true", "1", "1e3"]) {
      const before = read("values/common.yaml");
      const result = await runCli(repo.dir, ["set-image", "ui", image]);
      assert.equal(result.exitCode, 0, result.stderr);
      assert.deepEqual(changedLines(before, read("values/common.yaml")), [`    image: '${image}'`]);
      assert.match(read("clusters/dev/jore4-ui.yaml"), new RegExp(`image: ["']${image}["']\n`));
    }
    const override = await runCli(repo.dir, ["set-image", "ui", "true", "--stage", "prod"]);
    assert.equal(override.exitCode, 0, override.stderr);
    assert.match(read("values/prod.yaml"), /\n {2}ui:\n {4}image: "true"\n$/);
    assert.equal((await runCli(repo.dir, ["generate", "--check"])).exitCode, 0);
  });

  it("accepts an image on an IPv6 registry host, [::1]:5000/x:y", async () => {
    const result = await runCli(repo.dir, ["set-image", "ui", "[::1]:5000/jore4-ui:y"]);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(read("values/common.yaml"), /\n {4}image: "\[::1\]:5000\/jore4-ui:y"\n/);
    assert.match(read("clusters/dev/jore4-ui.yaml"), /image: "?\[::1\]:5000\/jore4-ui:y"?\n/);
  });

  for (const [name, args, error] of [
    [
      "an invalid image",
      ["ui", "hsldevcom/jore4-ui:bad tag"],
      /^error: services\.ui\.image: 'hsldevcom\/jore4-ui:bad tag' must be an image reference/m,
    ],
    [
      "an unknown service",
      ["uii", "hsldevcom/jore4-ui:1"],
      /^error: services\.uii: no service 'uii' in the shared values; services: auth, hasura, ui, testdb$/m,
    ],
    ["an unknown stage", ["ui", "hsldevcom/jore4-ui:1", "--stage", "qa"], /^error: unknown stage 'qa'/m],
  ] as const) {
    it(`refuses ${name} and writes nothing`, async () => {
      const before = snapshot(repo.dir);
      const result = await runCli(repo.dir, ["set-image", ...args]);
      assert.equal(result.exitCode, 2);
      assert.match(result.stderr, error);
      assert.deepEqual(snapshot(repo.dir), before);
    });
  }
});
