import assert from "node:assert/strict";
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, it } from "node:test";
import { upToDateEntryFile } from "../../src/generate/up-to-date-entry.ts";
import { runCli, testStore, type CliResult } from "../support/cli.ts";
import { temporaryRepo } from "../support/repo-fixture.ts";

/**
 * generate --check keeps its last "up to date" per build (src/generate/up-to-date-entry.ts) and trusts it
 * while the files answer the same (src/io/source-files.ts). Edits a digest of lengths, or one
 * without the folder listings, would miss: a same-length change of one character, a new folder,
 * a stage folder left behind. Each must make the next check of the same build fail.
 */
describe("generate --check after an up-to-date answer was kept: edits that keep lengths or add folders", () => {
  let repo: ReturnType<typeof temporaryRepo>;
  const build = "test-build-edits";
  const check = (): Promise<CliResult> => runCli(repo.dir, ["generate", "--check"], {}, { build });
  const path = (file: string) => join(repo.dir, file);
  /** Replaces `from` by `to` (of the same length) in `file`. */
  function sameLengthEdit(file: string, from: string, to: string): void {
    assert.equal(from.length, to.length);
    const text = readFileSync(path(file), "utf8");
    assert.ok(text.includes(from), `${file} has ${from}`);
    writeFileSync(path(file), text.replace(from, to));
  }

  beforeEach(async () => {
    repo = temporaryRepo();
    const first = await check();
    assert.equal(first.exitCode, 0, first.stderr);
    assert.equal(first.stderr, "0 files stale, 53 unchanged");
    // The answer was kept, and stands while nothing changes.
    assert.ok(readFileSync(upToDateEntryFile(testStore(build), repo.dir), "utf8").includes(build));
    assert.equal((await check()).exitCode, 0);
  });
  afterEach(() => {
    rmSync(upToDateEntryFile(testStore(build), repo.dir), { force: true });
    repo.cleanup();
  });

  const uiTag = "fix-docker-css--72224fc7574d8fb4486b43d8abc6afcf1b7f14c6";
  const otherTag = "fix-docker-css--72224fc7574d8fb4486b43d8abc6afcf1b7f14c7";

  it("one character of an image tag in the shared values: every stage's ui file is stale", async () => {
    sameLengthEdit("values/common.yaml", uiTag, otherTag);
    const result = await check();
    assert.equal(result.exitCode, 1, result.stderr);
    assert.match(result.stdout, new RegExp(`^\\+\\s+image: hsldevcom/jore4-ui:${otherTag}$`, "m"));
    assert.match(result.stderr, /changed: clusters\/dev\/jore4-ui\.yaml/);
  });

  it("one character of an image tag in a generated file: that file is stale", async () => {
    sameLengthEdit("clusters/test/jore4-ui.yaml", uiTag, otherTag);
    const result = await check();
    assert.equal(result.exitCode, 1, result.stderr);
    assert.match(result.stderr, /changed: clusters\/test\/jore4-ui\.yaml/);
    assert.match(result.stdout, new RegExp(`^-\\s+image: hsldevcom/jore4-ui:${otherTag}$`, "m"));
  });

  it("a new manifests/typo/ folder: no stage 'typo', refused as bad input", async () => {
    mkdirSync(path("manifests/typo"), { recursive: true });
    writeFileSync(path("manifests/typo/quota.yaml"), "apiVersion: v1\nkind: ResourceQuota\nmetadata:\n  name: q\n");
    const result = await check();
    assert.equal(result.exitCode, 2, result.stderr);
    assert.equal(
      result.stderr,
      "error: manifests/typo:1:1: no stage 'typo' in jore4-flux.yaml (manifest folders are 'all' or a stage name)",
    );
  });

  it("a leftover clusters/old-stage/ of generated files: they are to be removed, so clusters/ is stale", async () => {
    cpSync(path("clusters/test"), path("clusters/old-stage"), { recursive: true });
    const result = await check();
    assert.equal(result.exitCode, 1, result.stderr);
    assert.match(result.stdout, /^--- a\/clusters\/old-stage\/kustomization\.yaml$/m);
  });
});
