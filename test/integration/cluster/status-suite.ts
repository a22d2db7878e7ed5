import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { revisionAnnotation } from "../../../src/cluster/objects.ts";
import type { StageStatus } from "../../../src/status/model.ts";
import { diskFiles } from "../../../src/io/source-files.ts";
import { loadProject } from "../../../src/values/load.ts";
import { runCli, showResult, type CliResult } from "../../support/cli.ts";
import type { Cluster } from "../../support/cluster.ts";
import { fluxStage, type FluxStage } from "../../support/flux-stage.ts";
import { freePort } from "../../support/processes.ts";
import { git, type StageRepo } from "../../support/stage-repo.ts";

/** Flux looks at the stage branch this often here (jore4-flux.yaml's flux.interval). */
const interval = "5s";

interface StatusJson {
  stages: StageStatus[];
  exitCode: number;
}

/**
 * `status` against the real controllers: a stage repository on the cluster's git server, Flux
 * syncing dev from it, and the kind stage deployed directly. Runs after the Flux suite (Flux is
 * installed and its controllers run); it points the sync at its own repository.
 */
export function statusSuite(testCluster: () => Cluster): void {
  describe("status: what runs where, on the test cluster", () => {
    let cluster: Cluster;
    let flux: FluxStage;
    let repo: StageRepo;
    let stage: string;
    let kindStage: string;
    let namespace: string;
    const run = (args: string[], env: Record<string, string> = cluster.env as Record<string, string>) =>
      runCli(repo.root, args, env);
    const cli = (...args: string[]) => flux.cli(...args);
    const statusJson = (result: CliResult) => {
      const parsed = JSON.parse(result.stdout) as StatusJson;
      assert.equal(parsed.exitCode, result.exitCode, "the JSON names the exit code");
      assert.equal(parsed.stages.length, 1);
      return parsed.stages[0]!;
    };
    const kustomization = async () => (await flux.kustomization()).status ?? {};

    before(async () => {
      cluster = testCluster();
      flux = await fluxStage(cluster, { name: "jore4-flux-status", interval });
      ({ repo, stage, namespace } = flux);
      kindStage = loadProject(diskFiles(repo.root)).stages.find((model) => model.stage.platform === "kind")!.stage.name;
    });
    after(() => repo?.cleanup());

    test("a cluster out of reach: exit 3, naming the context and kubectl's reason", async () => {
      const port = await freePort();
      const kubeconfig = join(repo.dir, "unreachable-kubeconfig");
      writeFileSync(
        kubeconfig,
        readFileSync(cluster.kubeconfig, "utf8").replace(/https:\/\/127\.0\.0\.1:\d+/, `https://127.0.0.1:${port}`),
      );
      const env = { ...(cluster.env as Record<string, string>), KUBECONFIG: kubeconfig };
      const result = await run(["status", stage], env);
      assert.equal(result.exitCode, 3, result.stderr);
      assert.match(
        result.stdout,
        new RegExp(`^${stage}: unreachable: context ${cluster.contexts[stage]}: .*refused`, "m"),
      );
      assert.match(result.stderr, new RegExp(`error: ${stage} unreachable`));
      const json = await run(["status", stage, "--json"], env);
      assert.equal(json.exitCode, 3);
      const status = statusJson(json);
      assert.equal(status.verdict, "unreachable");
      assert.match(status.error ?? "", /refused/);
    });

    test("--context is checked like deploy's (exit 4), and names one stage only (exit 2)", async () => {
      const foreign = await run(["status", stage, "--context", cluster.contexts.foreign!]);
      assert.equal(foreign.exitCode, 4);
      assert.match(foreign.stderr, new RegExp(`but the stage's context is ${cluster.contexts[stage]}`));
      const two = await run(["status", stage, kindStage, "--context", cluster.contexts[stage]!]);
      assert.equal(two.exitCode, 2);
      assert.match(two.stderr, /name exactly one stage/);
    });

    test("kind stage: status shows the revision deploy cluster recorded, then out of sync after a new commit", async () => {
      const context = cluster.contexts[kindStage]!;
      await cli("deploy", "cluster", kindStage, "--context", context, "--timeout", "120");
      const head = await git(repo.root, "rev-parse", "HEAD");
      const recorded = await cluster.kubectl([
        "get",
        "namespace",
        namespace,
        "-o",
        `jsonpath={.metadata.annotations.${revisionAnnotation.replaceAll(".", "\\.")}}`,
      ]);
      assert.equal(recorded, head, "deploy cluster records the commit it applied on the stage's Namespace");
      const inSync = await run(["status", kindStage, "--context", context]);
      showResult("kind stage after deploy cluster", inSync);
      assert.equal(inSync.exitCode, 0, inSync.stderr);
      assert.match(inSync.stdout, new RegExp(`^${kindStage}: in-sync: runs ${head.slice(0, 12)}$`, "m"));
      assert.match(inSync.stdout, new RegExp(`deployed {4}${head}`));
      const status = statusJson(await run(["status", kindStage, "--json"]));
      assert.equal(status.verdict, "in-sync");
      assert.equal(status.recorded?.revision, head);
      assert.ok(status.deployments.length >= 3, "every Deployment of the stage is checked");
      assert.ok(status.deployments.every((report) => report.state === "rolled-out" && !report.drift));

      await cli("set-image", "ui", "hsldevcom/jore4-ui:status-kind-1");
      const next = await flux.commitAndPush("ui: status-kind-1");
      const behind = await run(["status", kindStage, "--context", context]);
      showResult("kind stage after a new commit", behind);
      assert.equal(behind.exitCode, 1);
      assert.match(
        behind.stdout,
        new RegExp(`^${kindStage}: behind: deployed ${head.slice(0, 12)}, HEAD is ${next.slice(0, 12)}$`, "m"),
      );
      assert.match(behind.stderr, new RegExp(`error: ${kindStage} behind`));
      // Nothing deploys it: --watch gives up at its timeout, still out of sync.
      const watched = await run(["status", kindStage, "--watch", "--timeout", "3"]);
      assert.equal(watched.exitCode, 1);
      assert.match(watched.stderr, new RegExp(`^error: after 3 s, ${kindStage} behind$`, "m"));
    });

    test("Flux: in sync once Flux applied the branch head; the JSON carries what Flux reports", async () => {
      await flux.bootstrap();
      const watched = await run(["status", stage, "--watch", "--timeout", "90"]);
      assert.equal(watched.exitCode, 0, watched.stderr);
      const head = await flux.remoteHead(stage);
      // Flux reconciles again every 5 s and its Ready message changes while it does: compare with a
      // read of status that falls between two equal reads of the Kustomization (at most 5 tries).
      const ready = (read: Awaited<ReturnType<typeof kustomization>>) =>
        JSON.stringify(read.conditions?.find((condition) => condition.type === "Ready"));
      let live = await kustomization();
      let result = await run(["status", stage, "--json"]);
      for (let attempt = 1; attempt < 5; attempt++) {
        const after = await kustomization();
        if (ready(after) === ready(live)) break;
        live = after;
        result = await run(["status", stage, "--json"]);
      }
      assert.equal(live.lastAppliedRevision, `${stage}@sha1:${head}`, "Flux really applied the head");
      assert.equal(result.exitCode, 0, result.stderr);
      const status = statusJson(result);
      assert.equal(status.verdict, "in-sync");
      assert.equal(status.git.head, head);
      assert.equal(status.git.remote, head);
      assert.equal(status.running, `${stage}@sha1:${head}`);
      assert.equal(status.flux?.kustomization?.lastAppliedRevision, live.lastAppliedRevision);
      assert.equal(status.flux?.kustomization?.lastAttemptedRevision, live.lastAttemptedRevision);
      assert.equal(
        status.flux?.kustomization?.ready?.message,
        live.conditions?.find((condition) => condition.type === "Ready")?.message,
      );
      assert.equal(status.flux?.source?.artifactRevision, `${stage}@sha1:${head}`);
      assert.ok((status.git.secondsSinceCommit ?? -1) >= 0);
      const ui = status.deployments.find((report) => report.id === `Deployment/${namespace}/jore4-ui`);
      assert.equal(ui?.containers[0]?.running, await flux.liveImage("jore4-ui"));
      assert.equal(ui?.containers[0]?.git, ui?.containers[0]?.running);
    });

    test("Flux: out of sync right after a promotion is pushed (exit 1); --watch follows it until applied (exit 0)", async () => {
      // The kind test's commit on main carries the new ui image to dev. The source is held
      // (spec.suspend) while the push is read: with a 5 s interval Flux can otherwise apply the
      // commit before a slow `status` starts, and the read would race it.
      const holdSource = (suspend: boolean) =>
        cluster.kubectl([
          "patch",
          "gitrepository",
          flux.sourceName,
          "-n",
          flux.fluxNamespace,
          "--type",
          "merge",
          "-p",
          JSON.stringify({ spec: { suspend } }),
        ]);
      await holdSource(true);
      await cli("promote", "main", stage, "--push", "--yes");
      const head = await flux.remoteHead(stage);
      const pushed = Date.now();
      const right = await run(["status", stage]);
      await holdSource(false);
      showResult("dev right after the push", right);
      assert.equal(right.exitCode, 1, right.stderr);
      assert.match(right.stdout, new RegExp(`^${stage}: behind: `, "m"));
      assert.match(right.stdout, new RegExp(`head {8}origin/${stage} ${head.slice(0, 12)}, committed`));
      const watched = await run(["status", stage, "--watch", "--timeout", "60"]);
      process.stderr.write(`status --watch: applied ${((Date.now() - pushed) / 1000).toFixed(1)} s after the push\n`);
      showResult("dev --watch", watched);
      assert.equal(watched.exitCode, 0, watched.stderr);
      const progress = watched.stderr.split("\n").filter((line) => line.startsWith(`${stage}: `));
      assert.match(progress.at(-1) ?? "", new RegExp(`^${stage}: in-sync: runs ${stage}@sha1:${head}$`));
      assert.match(watched.stdout, new RegExp(`^${stage}: in-sync: `, "m"));
      assert.equal(await flux.liveImage("jore4-ui"), "hsldevcom/jore4-ui:status-kind-1");
      assert.equal((await kustomization()).lastAppliedRevision, `${stage}@sha1:${head}`);
    });

    test("Flux: a revision the apiserver rejects: exit 1 with Flux's Ready message, --watch stops at the failure", async () => {
      const applied = (await kustomization()).lastAppliedRevision;
      mkdirSync(join(repo.root, "manifests/all"), { recursive: true });
      // Valid for jore4-flux, invalid for Kubernetes: a ConfigMap key with spaces.
      writeFileSync(
        join(repo.root, "manifests/all/broken.yaml"),
        `{apiVersion: v1, kind: ConfigMap, metadata: {name: broken, namespace: ${namespace}}, data: {"not a key": x}}\n`,
      );
      await cli("generate");
      await flux.commitAndPush("a ConfigMap the apiserver rejects");
      await cli("promote", "main", stage, "--push", "--yes");
      const head = await flux.remoteHead(stage);
      const watched = await run(["status", stage, "--watch", "--timeout", "60", "--json"]);
      assert.equal(watched.exitCode, 1, watched.stderr);
      const status = statusJson(watched);
      assert.equal(status.verdict, "failed");
      assert.equal(status.flux?.kustomization?.lastAttemptedRevision, `${stage}@sha1:${head}`);
      assert.equal(status.running, applied, "the previous revision keeps running");
      assert.match(status.flux?.kustomization?.ready?.message ?? "", /ConfigMap\/.*broken dry-run failed/);
      assert.match(
        watched.stderr,
        new RegExp(`^${stage}: failed: ${stage}@sha1:${head} failed: ReconciliationFailed: `, "m"),
      );
      // Flux retries the failed revision every interval; while a retry runs its Ready is Unknown
      // ("Reconciliation in progress") and status rightly says applying. Read again until a read
      // falls between retries (bounded: the failure is back within one interval of 5 s).
      const failedRead = async (args: string[], failed: (result: CliResult) => boolean) => {
        for (let attempt = 1; ; attempt++) {
          const result = await run(args);
          if (failed(result) || attempt === 20) return result;
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
      };
      const text = await failedRead(["status", stage], (result) => /Ready False/.test(result.stdout));
      showResult("dev with a failing revision", text);
      assert.equal(text.exitCode, 1);
      assert.match(text.stdout, /Ready False ReconciliationFailed: .*not a key/);

      // Every stage at once, each through its own context: the exit code is the worst verdict's.
      const all = await failedRead(
        ["status", "--json"],
        (result) =>
          !!(JSON.parse(result.stdout || "{}") as Partial<StatusJson>).stages?.some(
            (entry) => entry.stage === stage && entry.verdict === "failed",
          ),
      );
      const every = JSON.parse(all.stdout) as StatusJson;
      const verdicts = Object.fromEntries(every.stages.map((entry) => [entry.stage, entry.verdict]));
      assert.deepEqual(
        every.stages.map((entry) => entry.stage),
        loadProject(diskFiles(repo.root)).config.stages.map((entry) => entry.name),
      );
      assert.equal(verdicts[stage], "failed");
      assert.equal(verdicts[kindStage], "behind", "HEAD moved on since the kind deploy");
      assert.equal(all.exitCode, 1);
      assert.equal(every.exitCode, 1);
    });

    test("Flux's message with terminal escapes and a line of its own: plain text in the text report, whole in --json", async () => {
      const { fluxNamespace, syncName } = flux;
      const message = `\u001b[2K\u001b[31mdry-run failed\u001b[0m\n${stage}: in-sync: runs a faked line\r\u001b]0;title\u0007`;
      const patch = (body: unknown, ...more: string[]) =>
        cluster.kubectl([
          "patch",
          "kustomization",
          syncName,
          "-n",
          fluxNamespace,
          "--type=merge",
          "-p",
          JSON.stringify(body),
          ...more,
        ]);
      // Suspended, the controller leaves the status alone once it has handled the suspension: it
      // then records the generation it read, on the object when it is Ready, else on the
      // Reconciling condition it sets, and does not come back until the spec changes.
      await patch({ spec: { suspend: true } });
      try {
        await flux.eventually("the controller handles the suspension", 60, async () => {
          const { metadata, status } = (await flux.kustomization()) as {
            metadata?: { generation?: number };
            status?: { observedGeneration?: number; conditions?: { observedGeneration?: number }[] };
          };
          const generation = metadata?.generation ?? 1;
          const seen = [status, ...(status?.conditions ?? [])].some(
            (record) => (record?.observedGeneration ?? 0) >= generation,
          );
          return seen || undefined;
        });
        await patch(
          {
            status: {
              conditions: [
                {
                  type: "Ready",
                  status: "False",
                  reason: "ReconciliationFailed",
                  message,
                  lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
                },
              ],
            },
          },
          "--subresource=status",
        );
        const text = await run(["status", stage]);
        showResult("dev with a hostile Ready message", text);
        assert.equal(text.exitCode, 1, text.stderr);
        assert.ok(
          ![...text.stdout].some((character) => character !== "\n" && character < " "),
          "no control character but the report's own newlines",
        );
        assert.match(
          text.stdout,
          new RegExp(
            `^ {2}sync {8}.*Ready False ReconciliationFailed: dry-run failed ${stage}: in-sync: runs a faked line$`,
            "m",
          ),
        );
        assert.doesNotMatch(text.stdout, new RegExp(`^${stage}: in-sync`, "m"), "no faked line");
        const status = statusJson(await run(["status", stage, "--json"]));
        assert.equal(status.flux?.kustomization?.ready?.message, message, "--json keeps it whole");
      } finally {
        await patch({ spec: { suspend: false } });
      }
    });
  });
}
