import assert from "node:assert/strict";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { historyRecordFile } from "../../src/promotion/history-record.ts";
import type { HistoryReads } from "../../src/promotion/read-history.ts";
import { runMain } from "../support/cli.ts";
import { commitImage, createStageRepo, git, type StageRepo } from "../support/stage-repo.ts";

/**
 * history's kept reads of git (src/promotion/history-record.ts): a doctored record shows where it
 * is trusted (its subject comes out), and every run is compared with a read without any record.
 */
describe("history: the reads of git, kept per build", () => {
  let repo: StageRepo;
  const build = "test-build-1";
  const record = () => historyRecordFile(repo.root);
  const run = async (args: string[], options: { build?: string } = {}) => {
    const result = await runMain(["history", "--json", "--no-fetch", ...args], { cwd: repo.root, ...options });
    assert.equal(result.exitCode, 0, result.stderr);
    return result.stdout;
  };
  /** The history as read with no record at all (sources run without a build keep and read none). */
  const fresh = () => run([]);
  const promote = async (from: string, to: string) => {
    const result = await runMain(["promote", from, to, "--yes", "--push", "--no-fetch"], { cwd: repo.root });
    assert.equal(result.exitCode, 0, result.stderr);
  };
  /** Makes the kept log of a stage's last commit say `subject`. */
  const doctor = (stage: string, subject: string) => {
    const kept = JSON.parse(readFileSync(record(), "utf8")) as { build: string; reads: HistoryReads };
    const log = kept.reads.logs.find((each) => each.dir === `clusters/${stage}/`)!;
    log.commits.at(-1)!.subject = subject;
    writeFileSync(record(), JSON.stringify(kept));
  };
  const subjects = (output: string, stage: string) =>
    (JSON.parse(output) as { events: { stage: string; subject: string }[] }).events
      .filter((event) => event.stage === stage)
      .map((event) => event.subject);

  before(async () => {
    repo = await createStageRepo();
    await promote("main", "dev");
    await commitImage(repo.root, "ui", "hsldevcom/jore4-ui:v2");
    await git(repo.root, "push", "--quiet", "origin", "main");
    await promote("main", "dev");
    await promote("dev", "test");
  });
  after(() => {
    rmSync(record(), { force: true });
    repo.cleanup();
  });

  it("keeps nothing when the sources run (no build)", async () => {
    await fresh();
    assert.equal(existsSync(record()), false);
  });

  it("answers as a fresh read does, from the record while the branches stay", async () => {
    const first = await run([], { build });
    assert.equal(first, await fresh());
    assert.ok(existsSync(record()));
    assert.equal(await run([], { build }), first);
    doctor("test", "from the record");
    assert.deepEqual(subjects(await run([], { build }), "test").at(-1), "from the record");
    assert.notDeepEqual(subjects(await run([], { build: "test-build-2" }), "test").at(-1), "from the record");
  });

  it("reads again the stage whose branch moved, and only that one", async () => {
    await run([], { build });
    doctor("test", "test from the record");
    doctor("dev", "dev from the record");
    await commitImage(repo.root, "ui", "hsldevcom/jore4-ui:v3");
    await git(repo.root, "push", "--quiet", "origin", "main");
    await promote("main", "dev");
    const after = await run([], { build });
    assert.equal(subjects(after, "test").at(-1), "test from the record");
    assert.ok(!subjects(after, "dev").includes("dev from the record"));
    rmSync(record());
    assert.equal(await run([], { build }), await fresh());
  });

  it("reads again after a branch is reset to an earlier commit, and past a record that does not read or has another shape", async () => {
    await run([], { build });
    doctor("dev", "dev from the record");
    await git(repo.root, "branch", "--force", "dev", "dev~1");
    const reset = await run([], { build });
    assert.ok(!subjects(reset, "dev").includes("dev from the record"));
    assert.equal(reset, await fresh());
    writeFileSync(record(), "{ not json");
    assert.equal(await run([], { build }), await fresh());
    writeFileSync(record(), JSON.stringify({ build, reads: { logs: [] } }));
    assert.equal(await run([], { build }), await fresh());
  });
});
