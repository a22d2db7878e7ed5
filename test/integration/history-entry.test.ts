import assert from "node:assert/strict";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { historyEntryFile } from "../../src/history/store-entry.ts";
import type { HistoryReads } from "../../src/history/kept-reads.ts";
import { runMain, testStore } from "../support/cli.ts";
import { commitImage, createStageRepo, git, type StageRepo } from "../support/stage-repo.ts";

const promote = async (repo: StageRepo, from: string, to: string) => {
  const result = await runMain(["promote", from, to, "--yes", "--push", "--no-fetch"], { cwd: repo.root });
  assert.equal(result.exitCode, 0, result.stderr);
};

/** A stage repository with a history to read: main → dev, ui to v2 on main, main → dev again, dev → test. */
async function promotedRepo(): Promise<StageRepo> {
  const repo = await createStageRepo();
  await promote(repo, "main", "dev");
  await commitImage(repo.root, "ui", "hsldevcom/jore4-ui:v2");
  await git(repo.root, "push", "--quiet", "origin", "main");
  await promote(repo, "main", "dev");
  await promote(repo, "dev", "test");
  return repo;
}

/**
 * history's reads of git, kept as a store entry (src/history/store-entry.ts): a doctored entry shows where it
 * is trusted (its subject comes out), and every run is compared with a read without any entry.
 */
describe("history: the reads of git, kept per build", () => {
  let repo: StageRepo;
  const build = "test-build-1";
  const entry = () => historyEntryFile(testStore(build), repo.root);
  const run = async (args: string[], options: { build?: string } = {}) => {
    const result = await runMain(["history", "--json", "--no-fetch", ...args], { cwd: repo.root, ...options });
    assert.equal(result.exitCode, 0, result.stderr);
    return result.stdout;
  };
  /** The history as read with no entry at all (sources run without a build keep and read none). */
  const fresh = () => run([]);
  /** Makes the kept log of a stage's last commit say `subject`. */
  const doctor = (stage: string, subject: string) => {
    const kept = JSON.parse(readFileSync(entry(), "utf8")) as { build: string; reads: HistoryReads };
    const log = kept.reads.logs.find((each) => each.dir === `clusters/${stage}/`)!;
    log.commits.at(-1)!.subject = subject;
    writeFileSync(entry(), JSON.stringify(kept));
  };
  const subjects = (output: string, stage: string) =>
    (JSON.parse(output) as { events: { stage: string; subject: string }[] }).events
      .filter((event) => event.stage === stage)
      .map((event) => event.subject);

  before(async () => {
    repo = await promotedRepo();
  });
  after(() => {
    rmSync(entry(), { force: true });
    repo.cleanup();
  });

  it("keeps nothing when the sources run (no build)", async () => {
    await fresh();
    assert.equal(existsSync(entry()), false);
  });

  it("answers as a fresh read does, from the entry while the branches stay", async () => {
    const first = await run([], { build });
    assert.equal(first, await fresh());
    assert.ok(existsSync(entry()));
    assert.equal(await run([], { build }), first);
    doctor("test", "from the entry");
    assert.deepEqual(subjects(await run([], { build }), "test").at(-1), "from the entry");
    assert.notDeepEqual(subjects(await run([], { build: "test-build-2" }), "test").at(-1), "from the entry");
  });

  it("reads again the stage whose branch moved, and only that one", async () => {
    await run([], { build });
    doctor("test", "test from the entry");
    doctor("dev", "dev from the entry");
    await commitImage(repo.root, "ui", "hsldevcom/jore4-ui:v3");
    await git(repo.root, "push", "--quiet", "origin", "main");
    await promote(repo, "main", "dev");
    const after = await run([], { build });
    assert.equal(subjects(after, "test").at(-1), "test from the entry");
    assert.ok(!subjects(after, "dev").includes("dev from the entry"));
    rmSync(entry());
    assert.equal(await run([], { build }), await fresh());
  });

  it("reads again after a branch is reset to an earlier commit, and past an entry that does not read or has another shape", async () => {
    await run([], { build });
    doctor("dev", "dev from the entry");
    await git(repo.root, "branch", "--force", "dev", "dev~1");
    const reset = await run([], { build });
    assert.ok(!subjects(reset, "dev").includes("dev from the entry"));
    assert.equal(reset, await fresh());
    writeFileSync(entry(), "{ not json");
    assert.equal(await run([], { build }), await fresh());
    writeFileSync(entry(), JSON.stringify({ build, reads: { logs: [] } }));
    assert.equal(await run([], { build }), await fresh());
  });

  it("reads past an entry of another shape anywhere in it (edited by hand), answers as a fresh read and keeps a good one", async () => {
    await run([], { build });
    const good = readFileSync(entry(), "utf8");
    type Kept = { reads: Record<string, unknown> & { logs: { commits: Record<string, unknown>[] }[] } } & Record<
      string,
      unknown
    >;
    const doctorings: [string, (kept: Kept) => void][] = [
      ["a commit's files not a list", (kept) => void (kept.reads.logs[0]!.commits[0]!.files = 5)],
      ["a commit's parents a text", (kept) => void (kept.reads.logs[0]!.commits[0]!.parents = "abc")],
      ["a commit without a subject", (kept) => void delete kept.reads.logs[0]!.commits[0]!.subject],
      ["a blob's images not texts", (kept) => void ((kept.reads.blobs as [string, unknown][])[0]![1] = { ui: 5 })],
      ["a parent past the graph", (kept) => void ((kept.reads.graph as { parents: number[][] }).parents[0] = [1e6])],
      ["fewer changes than ranges", (kept) => void ((kept.reads.ranges as { changes: unknown[] }).changes = [])],
      ["no view", (kept) => void delete kept.view],
      ["reads null", (kept) => void (kept.reads = null as never)],
    ];
    const expected = await fresh();
    for (const [what, doctoring] of doctorings) {
      const kept = JSON.parse(good) as Kept;
      doctoring(kept);
      const doctored = JSON.stringify(kept);
      writeFileSync(entry(), doctored);
      const result = await runMain(["history", "--json", "--no-fetch"], { cwd: repo.root, build });
      assert.equal(result.exitCode, 0, `${what}: ${result.stderr}`);
      assert.equal(result.stdout, expected, what);
      assert.equal(readFileSync(entry(), "utf8"), good, `${what}: the entry is kept anew`);
    }
  });
});

/**
 * The kept entry stands only in the view git answered in (src/history/git-reads.ts `GitView`):
 * a shallow clone deepened or unshallowed, a replace ref, a configuration that changes git's log
 * each make the next run read again, and every run answers as a read without any entry does.
 */
describe("history: the kept entry after what changes git's answers for the same branch tips", () => {
  let repo: StageRepo;
  let shallow: string;
  const build = "test-build-view";
  const run = async (root: string, options: { build?: string } = {}) => {
    const result = await runMain(["history", "--json", "--no-fetch"], { cwd: root, ...options });
    assert.equal(result.exitCode, 0, result.stderr);
    return result;
  };
  /** A run keeping and reading the entry, checked against a read without one (sources run without a build keep none). */
  const keptEqualsFresh = async (root: string) => {
    const kept = await run(root, { build });
    const fresh = await run(root);
    assert.equal(kept.stdout, fresh.stdout);
    assert.equal(kept.stderr, fresh.stderr);
    return fresh;
  };
  const warnings = (output: string) =>
    (JSON.parse(output) as { warnings: { message: string }[] }).warnings.map((warning) => warning.message);

  before(async () => {
    repo = await promotedRepo();
    await commitImage(repo.root, "ui", "hsldevcom/jore4-ui:v3");
    await git(repo.root, "push", "--quiet", "origin", "main");
    await promote(repo, "main", "dev");
    shallow = join(repo.dir, "shallow");
    // A file:// URL, so that --depth applies (a local path would be copied whole).
    await git(repo.dir, "clone", "--quiet", "--depth", "2", "--no-single-branch", repo.remoteUrl, shallow);
  });
  after(() => {
    rmSync(historyEntryFile(testStore(build), repo.root), { force: true });
    rmSync(historyEntryFile(testStore(build), shallow), { force: true });
    repo.cleanup();
  });

  it("a shallow clone says on stderr where its history is cut, and warns of no rewrite", async () => {
    const cut = await run(shallow);
    assert.match(cut.stderr, /^this clone is shallow: the history is cut at its shallow boundary \(\d+ commit\(s\)/m);
    assert.deepEqual(
      warnings(cut.stdout).filter((message) => /rewritten/.test(message)),
      [],
    );
    assert.doesNotMatch((await run(repo.root)).stderr, /shallow/);
  });

  it("a shallow clone's kept entry is read again after fetch --deepen and --unshallow", async () => {
    const cut = await keptEqualsFresh(shallow);
    assert.ok(existsSync(historyEntryFile(testStore(build), shallow)));

    await git(shallow, "fetch", "--quiet", "--deepen", "1");
    const deeper = await keptEqualsFresh(shallow);
    assert.notEqual(deeper.stdout, cut.stdout);

    await git(shallow, "fetch", "--quiet", "--unshallow");
    const whole = await keptEqualsFresh(shallow);
    assert.notEqual(whole.stdout, deeper.stdout);
    assert.doesNotMatch(whole.stderr, /shallow/);
    const report = JSON.parse(whole.stdout) as {
      now: { stage: string; waiting?: { commits: number } }[];
      events: { stage: string; kind: string }[];
    };
    assert.equal(report.now.find((stage) => stage.stage === "test")?.waiting?.commits, 1);
    assert.ok(report.events.some((event) => event.stage === "dev" && event.kind === "origin"));
  });

  it("reads again when a replace ref swaps a commit of a stage branch, and when it is removed", async () => {
    const before = await keptEqualsFresh(repo.root);
    const promotion = await git(repo.root, "rev-parse", "dev~1");
    const parents = (await git(repo.root, "rev-parse", `${promotion}^@`)).split("\n");
    const tree = await git(repo.root, "rev-parse", `${promotion}^{tree}`);
    const swapped = await git(
      repo.root,
      "commit-tree",
      tree,
      ...parents.flatMap((parent) => ["-p", parent]),
      "-m",
      "a replaced promotion",
    );
    await git(repo.root, "replace", promotion, swapped);
    const replaced = await keptEqualsFresh(repo.root);
    assert.match(replaced.stdout, /a replaced promotion/);
    await git(repo.root, "replace", "--delete", promotion);
    assert.equal((await keptEqualsFresh(repo.root)).stdout, before.stdout);
  });

  it("reads again when git's configuration changes what its log says (log.showRoot)", async () => {
    const before = await keptEqualsFresh(repo.root);
    await git(repo.root, "config", "log.showRoot", "false");
    const changed = await keptEqualsFresh(repo.root);
    assert.notEqual(changed.stdout, before.stdout);
    await git(repo.root, "config", "--unset", "log.showRoot");
    assert.equal((await keptEqualsFresh(repo.root)).stdout, before.stdout);
  });
});
