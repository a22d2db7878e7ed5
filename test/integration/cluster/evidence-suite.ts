import assert from "node:assert/strict";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { after, before, describe, test } from "node:test";
import { parseNote, type EvidenceEvent } from "../../../src/evidence/model.ts";
import { runBinary, runCli, showResult } from "../../support/cli.ts";
import type { Cluster } from "../../support/cluster.ts";
import { fluxStage, type FluxStage } from "../../support/flux-stage.ts";
import { cloneRepo, git, type StageRepo } from "../../support/stage-repo.ts";

/** Flux looks at the branch only every 10 minutes here: what makes `--wait` fast is its reconcile request. */
const interval = "10m";
/** The soak of the gate of test in these tests. */
const soakSeconds = 30;

/**
 * The deployment record and the gates against the real controllers: `promote --wait` asking Flux
 * to reconcile and following it, the record in git notes on the cluster's git server, a revision
 * the apiserver rejects rolled back, `record` runs at once, and the gate of test reading dev's record.
 */
export function evidenceSuite(testCluster: () => Cluster): void {
  describe("evidence: the deployment record and promotion gates, on the test cluster", () => {
    let cluster: Cluster;
    let flux: FluxStage;
    let repo: StageRepo;
    let stage: string;
    let namespace: string;
    const run = (...args: string[]) => runCli(repo.root, args, cluster.env as Record<string, string>);
    /** The record of `commit` as the remote holds it (what a fresh clone gets). */
    const remoteNote = async (commit: string): Promise<EvidenceEvent[]> => {
      const text = await git(
        repo.root,
        "--git-dir",
        join(repo.dir, "remote.git"),
        "notes",
        "--ref=jore4-flux",
        "show",
        commit,
      ).catch(() => "");
      return parseNote(text).events;
    };
    const kinds = (events: EvidenceEvent[], of = stage) =>
      events.filter((event) => event.stage === of).map((event) => event.kind);
    const commitConfig = async (message: string, edit: (text: string) => string) => {
      const file = join(repo.root, "jore4-flux.yaml");
      writeFileSync(file, edit(readFileSync(file, "utf8")));
      await flux.commitAndPush(message);
    };

    before(async () => {
      cluster = testCluster();
      flux = await fluxStage(cluster, { name: "jore4-flux-evidence", interval });
      ({ repo, stage, namespace } = flux);
      await flux.bootstrap();
      await flux.liveAtHead(60);
    });
    after(() => repo?.cleanup());

    let promoted: string;
    test("promote main dev --push --wait: back within 15 s of the push with the interval at 10 min, Flux applied and rolled out, the note says so; a clone sees it", async () => {
      await flux.cli("set-image", "ui", "hsldevcom/jore4-ui:evidence-1");
      await flux.commitAndPush("ui: evidence-1");
      const result = await run("promote", "main", stage, "--push", "--yes", "--wait", "--timeout", "60");
      const returned = Date.now();
      showResult("promote main dev --push --wait", result);
      assert.equal(result.exitCode, 0, result.stderr);
      promoted = await flux.remoteHead(stage);
      assert.equal((await flux.kustomization()).status?.lastAppliedRevision, `${stage}@sha1:${promoted}`);
      assert.equal(await flux.liveImage("jore4-ui"), "hsldevcom/jore4-ui:evidence-1");
      assert.match(result.stderr, /ask Flux to reconcile flux-repo and flux-system-sync now/);
      assert.match(result.stderr, new RegExp(`^${stage}: in-sync: runs ${stage}@sha1:${promoted}$`, "m"));
      const events = await remoteNote(promoted);
      assert.deepEqual(kinds(events).sort(), ["applied", "promoted", "pushed", "rolled-out"]);
      const pushedAt = Date.parse(events.find((event) => event.kind === "pushed")!.at);
      const seconds = (returned - pushedAt) / 1000;
      process.stderr.write(`promote --wait returned ${seconds.toFixed(1)} s after the push (interval ${interval})\n`);
      assert.ok(seconds <= 15, `returned ${seconds} s after the push`);
      const promotion = events.find((event) => event.kind === "promoted")!;
      assert.equal(promotion.details?.from, "main");
      assert.match(promotion.details?.by ?? "", /Alice Admin/);

      const clone = await cloneRepo(repo, "reader");
      await git(clone, "fetch", "--quiet", "origin", "refs/notes/jore4-flux:refs/notes/jore4-flux");
      const log = await git(clone, "log", "--notes=jore4-flux", "-1", "--format=%N", `origin/${stage}`);
      assert.match(log, new RegExp(`Z ${stage} applied\\n.*Z ${stage} rolled-out`, "s"));
    });

    test("two record runs at once (two processes), and record racing promote --wait: every event once, none lost", async () => {
      const env = cluster.env as Record<string, string>;
      const [first, second] = await Promise.all([
        runBinary(repo.root, ["record", stage, "--push", "--json"], env),
        runBinary(repo.root, ["record", stage, "--push", "--json"], env),
      ]);
      assert.equal(first.exitCode, 0, first.stderr);
      assert.equal(second.exitCode, 0, second.stderr);
      const note = await git(repo.root, "notes", "--ref=jore4-flux", "show", promoted);
      for (const kind of ["applied", "rolled-out", "pushed", "promoted"])
        assert.equal(
          note.split("\n").filter((line) => line.includes(` ${stage} ${kind}`)).length,
          1,
          `${kind} once:\n${note}`,
        );

      await flux.cli("set-image", "ui", "hsldevcom/jore4-ui:evidence-2");
      await flux.commitAndPush("ui: evidence-2");
      const racing = runBinary(repo.root, ["record", "--push"], env);
      const [waited, recorded] = await Promise.all([
        run("promote", "main", stage, "--push", "--yes", "--wait", "--timeout", "60"),
        racing,
      ]);
      assert.equal(waited.exitCode, 0, waited.stderr);
      assert.ok(recorded.exitCode === 0 || recorded.exitCode === 3, recorded.stderr);
      const head = await flux.remoteHead(stage);
      await run("record", stage, "--push");
      const headEvents = kinds(await remoteNote(head));
      assert.deepEqual([...headEvents].sort(), ["applied", "promoted", "pushed", "rolled-out"]);
      assert.deepEqual(kinds(await remoteNote(promoted)).sort(), [
        "applied",
        "promoted",
        "pushed",
        "rolled-out",
        "stopped",
      ]);
      const stopped = (await remoteNote(promoted)).find((event) => event.kind === "stopped")!;
      assert.deepEqual(stopped.details, { why: "superseded", by: head });
      promoted = head;
    });

    test("the gate of test: refused while dev soaks (nothing moved), --dry-run says until when; passes after the soak", async () => {
      await commitConfig(`test promoted after ${soakSeconds} s of dev`, (text) =>
        text.replace(
          /(\n {2}- name: test\n(?: {4}.*\n)*?)( {4}promotedFrom: dev\n)/,
          `$1$2    gate:\n      soak: ${soakSeconds}s\n`,
        ),
      );
      // A fresh revision on dev (the configuration commit), just rolled out.
      const fresh = await run("promote", "main", stage, "--push", "--yes", "--wait", "--timeout", "60");
      assert.equal(fresh.exitCode, 0, fresh.stderr);
      const testHead = await flux.remoteHead("test");
      const refused = await run("promote", stage, "test", "--push", "--yes");
      showResult("promote dev test right away", refused);
      assert.equal(refused.exitCode, 4, refused.stderr);
      assert.match(
        refused.stderr,
        /gate: soaking: dev rolled out [0-9a-f]{12} at .*: it has run \d+ s of its soak of 30 s/,
      );
      assert.match(refused.stderr, /wait \d+ s \(until .*\) and run again/);
      assert.equal(await flux.remoteHead("test"), testHead, "nothing moved");
      const dry = await run("promote", stage, "test", "--dry-run", "--json");
      assert.equal(dry.exitCode, 4);
      const plan = JSON.parse(dry.stdout) as { gate: { verdict: string; until: string } };
      assert.equal(plan.gate.verdict, "soaking");
      const wait = Date.parse(plan.gate.until) - Date.now();
      if (wait > 0) await sleep(wait + 1500);
      const passed = await run("promote", stage, "test", "--push", "--yes");
      showResult("promote dev test after the soak", passed);
      assert.equal(passed.exitCode, 0, passed.stderr);
      assert.match(passed.stderr, /gate: passed: dev rolled out/);
    });

    let failedCommit: string;
    test("a revision the apiserver rejects, with --wait --rollback-on-failure: exit 1, a revert commit on dev that Flux applies, the old Deployment runs on, the record holds both", async () => {
      const before = await flux.remoteHead(stage);
      mkdirSync(join(repo.root, "manifests/all"), { recursive: true });
      writeFileSync(
        join(repo.root, "manifests/all/broken.yaml"),
        `{apiVersion: v1, kind: ConfigMap, metadata: {name: broken, namespace: ${namespace}}, data: {"not a key": x}}\n`,
      );
      await flux.cli("generate");
      await flux.commitAndPush("a ConfigMap the apiserver rejects");
      const result = await run(
        "promote",
        "main",
        stage,
        "--push",
        "--yes",
        "--wait",
        "--rollback-on-failure",
        "--timeout",
        "60",
      );
      showResult("promote --wait --rollback-on-failure", result);
      assert.equal(result.exitCode, 1, result.stderr);
      assert.match(
        result.stderr,
        /error: dev failed with [0-9a-f]{12}: .*broken.*; rolled back with [0-9a-f]{12}, which runs/,
      );
      const revert = await flux.remoteHead(stage);
      failedCommit = (await git(repo.root, "rev-parse", `${revert}^`)).trim();
      assert.notEqual(failedCommit, before);
      assert.equal(
        await git(repo.root, "rev-parse", `${revert}^{tree}`),
        await git(repo.root, "rev-parse", `${before}^{tree}`),
      );
      assert.match(
        await git(repo.root, "log", "-1", "--format=%B", revert),
        new RegExp(`Rollback-Of: ${failedCommit}`),
      );
      assert.equal(
        (await git(repo.root, "rev-list", "--first-parent", "--count", `${before}..${revert}`)).trim(),
        "2",
        "no reset: both commits stay",
      );
      assert.equal((await flux.kustomization()).status?.lastAppliedRevision, `${stage}@sha1:${revert}`);
      assert.equal(await flux.liveImage("jore4-ui"), "hsldevcom/jore4-ui:evidence-2", "the old Deployment runs on");
      const failed = await remoteNote(failedCommit);
      assert.deepEqual(kinds(failed).sort(), ["failed", "promoted", "pushed", "rolled-back"]);
      assert.match(failed.find((event) => event.kind === "failed")!.details?.reason ?? "", /broken/);
      assert.deepEqual(kinds(await remoteNote(revert)).sort(), ["applied", "pushed", "rolled-out"]);
      // main drops it too, and dev follows: both lines agree again.
      rmSync(join(repo.root, "manifests/all/broken.yaml"));
      await flux.cli("generate");
      await flux.commitAndPush("the ConfigMap removed");
      const converged = await run("promote", "main", stage, "--push", "--yes", "--wait", "--timeout", "60");
      assert.equal(converged.exitCode, 0, converged.stderr);
    });

    test("the gate of test with a failure recorded on dev's head: refused; --override passes, its reason in the trailers and the record", async () => {
      mkdirSync(join(repo.root, "manifests/all"), { recursive: true });
      writeFileSync(
        join(repo.root, "manifests/all/broken-2.yaml"),
        `{apiVersion: v1, kind: ConfigMap, metadata: {name: broken-2, namespace: ${namespace}}, data: {"not a key": x}}\n`,
      );
      await flux.cli("generate");
      await flux.commitAndPush("another ConfigMap the apiserver rejects");
      const failing = await run("promote", "main", stage, "--push", "--yes", "--wait", "--timeout", "60");
      assert.equal(failing.exitCode, 1, failing.stderr);
      const head = await flux.remoteHead(stage);
      assert.ok(kinds(await remoteNote(head)).includes("failed"));
      const refused = await run("promote", stage, "test", "--push", "--yes");
      showResult("promote dev test with dev failing", refused);
      assert.equal(refused.exitCode, 4, refused.stderr);
      assert.match(refused.stderr, /gate: failed: dev failed with [0-9a-f]{12} at .*broken-2/);
      const overridden = await run(
        "promote",
        stage,
        "test",
        "--push",
        "--yes",
        "--override",
        "QA needs the change now",
      );
      assert.equal(overridden.exitCode, 0, overridden.stderr);
      const testHead = await flux.remoteHead("test");
      assert.match(
        await git(repo.root, "log", "-1", "--format=%B", testHead),
        /^Gate-Override: QA needs the change now$/m,
      );
      const override = (await remoteNote(testHead)).find(
        (event) => event.kind === "override" && event.stage === "test",
      );
      assert.equal(override?.details?.reason, "QA needs the change now");
      // dev runs again.
      rmSync(join(repo.root, "manifests/all/broken-2.yaml"));
      await flux.cli("generate");
      await flux.commitAndPush("the second ConfigMap removed");
      const fixed = await run("promote", "main", stage, "--push", "--yes", "--wait", "--timeout", "60");
      assert.equal(fixed.exitCode, 0, fixed.stderr);
    });
  });
}
