import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import * as z from "zod";
import { entryFile, keepEntry, openStore, readEntry } from "../../src/store/store.ts";
import { runCli } from "../support/cli.ts";
import { temporaryRepo } from "../support/repo-fixture.ts";

const shape = z.object({ answer: z.number() });

test("the store: its folder from JORE4_FLUX_CACHE, an entry read back only by the build that kept it and in its shape", () => {
  const dir = mkdtempSync(join(tmpdir(), "jore4-flux-store-"));
  const root = mkdtempSync(join(tmpdir(), "jore4-flux-store-repo-"));
  try {
    const store = openStore({ env: { JORE4_FLUX_CACHE: dir }, build: "build-1" });
    assert.equal(store.dir, dir);
    keepEntry(store, "kind", root, { answer: 42 });
    assert.ok(entryFile(store, "kind", root).startsWith(`${dir}/kind/`));
    assert.deepEqual(readEntry(store, "kind", root, shape), { answer: 42 });
    assert.equal(readEntry({ dir, build: "build-2" }, "kind", root, shape), undefined, "another build's entry");
    assert.equal(readEntry({ dir, build: undefined }, "kind", root, shape), undefined, "the sources read none");
    assert.equal(readEntry(store, "kind", root, z.object({ answer: z.string() })), undefined, "another shape");
    writeFileSync(entryFile(store, "kind", root), "{ not json");
    assert.equal(readEntry(store, "kind", root, shape), undefined);
    // A FIFO in an entry's place is not waited on, nor replaced.
    rmSync(entryFile(store, "kind", root));
    execFileSync("mkfifo", [entryFile(store, "kind", root)]);
    assert.equal(readEntry(store, "kind", root, shape), undefined);
    keepEntry(store, "kind", root, { answer: 1 });
    assert.equal(readEntry(store, "kind", root, shape), undefined);
    // The sources keep nothing.
    const other = mkdtempSync(join(tmpdir(), "jore4-flux-store-repo-"));
    keepEntry({ dir, build: undefined }, "kind", other, { answer: 1 });
    assert.equal(existsSync(entryFile(store, "kind", other)), false);
    rmSync(other, { recursive: true, force: true });
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(root, { recursive: true, force: true });
  }
});

test("check keeps V8's code of the schema validators in the context's store (a run with a build), none without a build", async () => {
  const repo = temporaryRepo();
  const store = mkdtempSync(join(tmpdir(), "jore4-flux-store-"));
  try {
    const code = join(store, "code");
    const run = (build?: string) =>
      runCli(repo.dir, ["check", "--no-kustomize"], { JORE4_FLUX_CACHE: store }, build ? { build } : {});
    assert.equal((await run()).exitCode, 0);
    assert.equal(existsSync(code), false, "the sources keep nothing");
    const first = await run("build-1");
    assert.equal(first.exitCode, 0, first.stderr);
    const kept = readdirSync(code);
    assert.equal(kept.length, 1);
    assert.match(kept[0]!, /^validators-[0-9a-f]{16}\.v8$/);
  } finally {
    rmSync(store, { recursive: true, force: true });
    repo.cleanup();
  }
});
