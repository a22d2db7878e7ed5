import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { Git } from "../../src/git/git.ts";
import { isoSeconds, recordOf } from "../../src/evidence/model.ts";
import { readRecord, writeRecord } from "../../src/evidence/notes.ts";
import { processRunner } from "../../src/process-context.ts";
import { commitImage, createStageRepo, git, runCli, type StageRepo } from "../support/stage-repo.ts";

/**
 * The fast-forward strategy and the record read without a cluster, on a real repository and its
 * remote: what the clusters confirmed is written as `record` would (its reading of a cluster is
 * tested on the test cluster, test/integration/cluster/evidence-suite.ts).
 */
describe("evidence: fast-forward stages, gates and history from the record (no cluster)", () => {
  let repo: StageRepo;
  const cli = async (...args: string[]) => {
    const result = await runCli(repo.root, ...args);
    assert.equal(result.exitCode, 0, `jore4-flux ${args.join(" ")}:\n${result.stderr}`);
    return result;
  };
  const recordGit = () => new Git(processRunner(process.env, repo.root), repo.root);
  /** What dev's cluster would confirm of `commit`: applied and rolled out `minutesAgo`. */
  const confirm = async (commit: string, minutesAgo: number) => {
    const at = isoSeconds(new Date(Date.now() - minutesAgo * 60_000));
    await writeRecord(
      recordGit(),
      recordOf([
        { commit, event: { stage: "dev", kind: "applied", at } },
        { commit, event: { stage: "dev", kind: "rolled-out", at } },
      ]),
      { remote: "origin", push: true },
    );
  };
  const remoteHead = async (branch: string) => git(repo.root, "rev-parse", `origin/${branch}`);
  /** dev's promotions as `history --json` shows them: from where, by whom, the images changed. */
  const devPromotions = async (root: string) => {
    const result = await runCli(root, "history", "--json", "--stage", "dev");
    assert.equal(result.exitCode, 0, result.stderr);
    const history = JSON.parse(result.stdout) as {
      events: {
        kind: string;
        from?: string;
        author: string;
        changes: { service: string; from?: string; to?: string }[];
      }[];
    };
    return history.events
      .filter((event) => event.kind === "promotion")
      .map((event) => ({ from: event.from, author: event.author, changes: event.changes }));
  };
  let fastForwardHistory: Awaited<ReturnType<typeof devPromotions>> = [];

  before(async () => {
    repo = await createStageRepo({ gates: true });
    const file = join(repo.root, "jore4-flux.yaml");
    writeFileSync(
      file,
      readFileSync(file, "utf8").replace(
        /(\n {2}- name: dev\n {4}platform: aks\n {4}promotedFrom: main\n)/,
        "$1    strategy: fast-forward\n",
      ),
    );
    await git(repo.root, "commit", "--quiet", "-am", "dev follows main linearly");
    await git(repo.root, "push", "--quiet", "origin", "main");
  });
  after(() => repo?.cleanup());

  test("three promotions and a rollback: dev stays linear, on main's own commits; the record holds who, when and from where", async () => {
    await cli("promote", "main", "dev", "--push", "--yes");
    for (const n of [1, 2, 3]) {
      await commitImage(repo.root, "ui", `hsldevcom/jore4-ui:ff-${n}`);
      await git(repo.root, "push", "--quiet", "origin", "main");
      const result = await cli("promote", "main", "dev", "--push", "--yes");
      assert.match(result.stderr, /fast-forward dev to [0-9a-f]{12} \(no merge commit/);
      assert.equal(await remoteHead("dev"), await remoteHead("main"), "dev is main's commit itself");
    }
    const third = await remoteHead("main");
    await cli("rollback", third, "--through", "dev", "--push", "--yes");
    assert.equal(await remoteHead("dev"), await remoteHead("main"));
    assert.match(await git(repo.root, "log", "-1", "--format=%B", "origin/dev"), new RegExp(`Rollback-Of: ${third}`));
    assert.equal(await git(repo.root, "rev-list", "--merges", "origin/dev"), "", "no merge commit on dev");
    const record = await readRecord(recordGit());
    const promotion = record.get(third)?.events.find((event) => event.kind === "promoted");
    const rollback = record.get(await remoteHead("dev"))?.events.find((event) => event.kind === "promoted");
    assert.equal(rollback?.details?.gate, "ungated", "rollback --through records its promotion too");
    assert.equal(promotion?.details?.from, "main");
    assert.equal(promotion?.details?.strategy, "fast-forward");
    assert.match(promotion?.details?.by ?? "", /Alice Admin/);
    assert.match(
      await git(repo.root, "log", "--notes=jore4-flux", "-1", "--format=%N", third),
      /Z dev promoted \{"by":"Alice Admin/,
    );
    // History reads the fast-forward promotions from the record as it reads a merge stage's merges:
    // stage ← from, who, when, the promoted commit and the images it changed.
    const history = JSON.parse((await cli("history", "--json", "--stage", "dev")).stdout) as {
      events: {
        kind: string;
        from?: string;
        sourceCommit?: string;
        author: string;
        changes: { service: string; to?: string }[];
      }[];
    };
    const promotions = history.events.filter((event) => event.kind === "promotion");
    const ui = (event: (typeof promotions)[number]) => event.changes.find((change) => change.service === "ui")?.to;
    assert.deepEqual(
      promotions.slice(1).map((event) => [event.from, ui(event)]),
      [
        ["main", "hsldevcom/jore4-ui:ff-1"],
        ["main", "hsldevcom/jore4-ui:ff-2"],
        ["main", "hsldevcom/jore4-ui:ff-3"],
        ["main", "hsldevcom/jore4-ui:ff-2"],
      ],
      "three promotions and the rollback's, each with its image",
    );
    assert.equal(promotions[3]!.sourceCommit, third);
    assert.match(promotions[3]!.author, /Alice Admin/);
    const text = (await cli("history", "--stage", "dev")).stdout;
    assert.match(
      text,
      /dev {4}promotion from main [0-9a-f]{12} by Alice Admin .*: ui \S+:ff-2 -> hsldevcom\/jore4-ui:ff-3\n/,
    );
    fastForwardHistory = await devPromotions(repo.root);
  });

  test("a merge-strategy copy of the same scenario: dev's history shows the same promotions, one by one", async () => {
    const copy = await createStageRepo({ gates: true });
    const run = async (...args: string[]) => {
      const result = await runCli(copy.root, ...args);
      assert.equal(result.exitCode, 0, `jore4-flux ${args.join(" ")}:\n${result.stderr}`);
    };
    try {
      await run("promote", "main", "dev", "--push", "--yes");
      for (const n of [1, 2, 3]) {
        await commitImage(copy.root, "ui", `hsldevcom/jore4-ui:ff-${n}`);
        await git(copy.root, "push", "--quiet", "origin", "main");
        await run("promote", "main", "dev", "--push", "--yes");
      }
      await run("rollback", await git(copy.root, "rev-parse", "origin/main"), "--through", "dev", "--push", "--yes");
      assert.notEqual(await git(copy.root, "rev-list", "--merges", "origin/dev"), "", "dev has merge commits");
      const merged = await devPromotions(copy.root);
      assert.equal(merged.length, 5, "the branch's creation, three promotions and the rollback's");
      assert.deepEqual(fastForwardHistory, merged);
    } finally {
      copy.cleanup();
    }
  });

  test("the gate of test reads dev's record the same way: refused with nothing recorded, soaking, then passed; --dry-run shows it", async () => {
    const head = await remoteHead("dev");
    const missing = await runCli(repo.root, "promote", "dev", "test", "--push", "--yes");
    assert.equal(missing.exitCode, 4, missing.stderr);
    assert.match(missing.stderr, /gate: missing: no record that dev applied and rolled out/);
    assert.match(missing.stderr, /jore4-flux record dev .*jore4-flux promote main dev --push --wait/);
    await confirm(head, 5);
    const soaking = await runCli(repo.root, "promote", "dev", "test", "--dry-run");
    assert.equal(soaking.exitCode, 4);
    assert.match(
      soaking.stdout,
      /gate: soaking: dev rolled out [0-9a-f]{12} at .*: it has run 5 min of its soak of 30 min/,
    );
    assert.equal(await remoteHead("test").catch(() => "none"), "none", "nothing moved");
    const history = JSON.parse((await cli("history", "--json")).stdout) as {
      record: {
        gates: { stage: string; decision: { verdict: string; until?: string } }[];
        stages: { stage: string; revisions: { commit: string; state: string; appliedAt?: string }[] }[];
      };
    };
    const gate = history.record.gates.find((entry) => entry.stage === "test")!;
    assert.equal(gate.decision.verdict, "soaking");
    assert.ok(gate.decision.until);
    const dev = history.record.stages.find((entry) => entry.stage === "dev")!;
    assert.equal(dev.revisions[0]!.commit, head);
    assert.equal(dev.revisions[0]!.state, "running");
    // Soaked: the same commit applied 40 minutes ago (the earlier observation stands).
    await confirm(head, 40);
    const passed = await cli("promote", "dev", "test", "--push", "--yes");
    assert.match(passed.stderr, /gate: passed: dev rolled out/);
    const text = (await cli("history")).stdout;
    assert.match(text, /Confirmed by the clusters \(the record, refs\/notes\/jore4-flux\):/);
    assert.match(
      text,
      new RegExp(
        `dev:\\n    ${head.slice(0, 12)} running, promoted .* from main by Alice Admin.*, applied .*, rolled out`,
      ),
    );
    await cli("history", "--html", join(repo.dir, "history.html"));
    const html = readFileSync(join(repo.dir, "history.html"), "utf8");
    assert.match(html, /<h2>Gates<\/h2>/);
    assert.match(html, /dev → test<\/td><td class="gate-ready">ready to promote/);
  });

  test("a hotfix on the fast-forward stage: the next promotion is refused until it is on main by a merge, then fast-forwards again", async () => {
    await git(repo.root, "switch", "--quiet", "dev");
    await git(repo.root, "merge", "--quiet", "--ff-only", "origin/dev");
    const hotfix = await commitImage(repo.root, "ui", "hsldevcom/jore4-ui:hotfix-1", { message: "ui: hotfix on dev" });
    await git(repo.root, "push", "--quiet", "origin", "dev");
    await git(repo.root, "switch", "--quiet", "main");
    await commitImage(repo.root, "hasura", "hsldevcom/jore4-hasura:after-hotfix");
    await git(repo.root, "push", "--quiet", "origin", "main");
    const refused = await runCli(repo.root, "promote", "main", "dev", "--push", "--yes");
    assert.equal(refused.exitCode, 4, refused.stderr);
    assert.match(
      refused.stderr,
      /dev \(fast-forward\) has 1 commit\(s\) main lacks, so it cannot move forward to it: [0-9a-f]+ ui: hotfix on dev/,
    );
    assert.match(refused.stderr, /git switch main && git merge --no-ff dev && git push/);
    // The back-port, as the refusal says: a merge brings the hotfix commit itself onto main.
    const merged = await git(repo.root, "merge", "--no-ff", "--quiet", "-m", "Back-port the dev hotfix", "dev");
    void merged;
    await cli("generate");
    assert.equal(await git(repo.root, "status", "--porcelain"), "");
    await git(repo.root, "push", "--quiet", "origin", "main");
    await cli("promote", "main", "dev", "--push", "--yes");
    assert.equal(await remoteHead("dev"), await remoteHead("main"));
    assert.equal(await git(repo.root, "merge-base", "--is-ancestor", hotfix, "origin/dev").then(() => "yes"), "yes");
    assert.deepEqual(
      (await git(repo.root, "log", "--merges", "--format=%s", "origin/dev")).split("\n"),
      ["Back-port the dev hotfix"],
      "the back-port is the only merge",
    );
  });
});
