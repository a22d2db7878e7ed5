import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { Cluster } from "../../support/cluster.ts";
import { fluxStage, rolledOut, type FluxStage } from "../../support/flux-stage.ts";
import { git, type StageRepo } from "../../support/stage-repo.ts";

/** How often Flux looks at the stage branch in these tests (jore4-flux.yaml's flux.interval). */
const interval = "5s";

/**
 * The GitOps loop for real, driven only through the CLI as a user would: a stage repository on
 * the cluster's git server, Flux's controllers reconciling the dev branch into the test cluster.
 */
export function fluxSuite(testCluster: () => Cluster): void {
  describe("Flux reconciles the stage branches on the test cluster", () => {
    let flux: FluxStage;
    let repo: StageRepo;
    let stage: string;
    let namespace: string;
    let syncName: string;
    let intervalSeconds: number;
    const cli = (...args: string[]) => flux.cli(...args);
    const remoteHead = (branch: string) => flux.remoteHead(branch);
    const kustomization = () => flux.kustomization();
    const deployments = () => flux.deployments();
    const branchImages = () => flux.branchImages();
    const liveAtHead = (applySeconds: number) => flux.liveAtHead(applySeconds);
    const commitAndPush = (message: string) => flux.commitAndPush(message);

    before(async () => {
      flux = await fluxStage(testCluster(), { name: "jore4-flux", interval });
      ({ repo, stage, namespace, syncName, intervalSeconds } = flux);
    });
    after(() => repo?.cleanup());

    test("bootstrap: deploy crds and deploy cluster; Flux applies the dev branch and every Deployment rolls out", async () => {
      const deployed = await flux.bootstrap();
      assert.match(deployed.stderr, /all \d+ Deployment\(s\) rolled out/);
      const value = await liveAtHead(60);
      const ready = (await kustomization()).status?.conditions?.find((condition) => condition.type === "Ready");
      assert.equal(ready?.status, "True", ready?.message);
      assert.equal((await kustomization()).status?.lastAppliedRevision, `${stage}@sha1:${value.head}`);
      const wanted = await branchImages();
      assert.ok(wanted.size >= 3, `dev has its Deployments: ${[...wanted.keys()].join(", ")}`);
      for (const [name, image] of wanted) {
        const deployment = value.live.get(name)!;
        assert.equal(deployment.spec.template.spec.containers[0]!.image, image, name);
        assert.ok(rolledOut(deployment), `${name} is available`);
        assert.equal(deployment.metadata.labels?.["kustomize.toolkit.fluxcd.io/name"], syncName, `Flux owns ${name}`);
      }
    });

    let uiChange: string;
    let shippedUi: string;
    test("promotion: set-image on main, promote main dev --push; Flux rolls it out within two intervals, other stages untouched", async () => {
      shippedUi = (await branchImages()).get("jore4-ui")!;
      const others = { test: await remoteHead("test"), prod: await remoteHead("prod") };
      const othersLive = await deployments();
      await cli("set-image", "ui", "hsldevcom/jore4-ui:flux-e2e-1");
      uiChange = await commitAndPush("ui: flux-e2e-1");
      await cli("promote", "main", stage, "--push", "--yes");
      const value = await liveAtHead(2 * intervalSeconds);
      process.stderr.write(`promotion applied by Flux ${value.appliedSeconds.toFixed(1)} s after the push\n`);
      assert.equal(
        value.live.get("jore4-ui")!.spec.template.spec.containers[0]!.image,
        "hsldevcom/jore4-ui:flux-e2e-1",
      );
      for (const [name, deployment] of value.live)
        if (name !== "jore4-ui")
          assert.equal(
            deployment.spec.template.spec.containers[0]!.image,
            othersLive.get(name)!.spec.template.spec.containers[0]!.image,
            `${name} unchanged`,
          );
      assert.deepEqual({ test: await remoteHead("test"), prod: await remoteHead("prod") }, others);
    });

    test("rollback --through dev brings the old image back; a service removed on main and promoted is pruned", async () => {
      await cli("rollback", uiChange, "--through", stage, "--push", "--yes");
      await git(repo.root, "fetch", "--quiet", "origin");
      const value = await liveAtHead(2 * intervalSeconds);
      assert.equal(value.live.get("jore4-ui")!.spec.template.spec.containers[0]!.image, shippedUi);

      const values = join(repo.root, "values/common.yaml");
      writeFileSync(values, readFileSync(values, "utf8").replace(/^ {2}ui:\n/m, "  ui:\n    enabled: false\n"));
      await cli("generate");
      await commitAndPush("ui: removed");
      await cli("promote", "main", stage, "--push", "--yes");
      await liveAtHead(2 * intervalSeconds);
      await flux.eventually("Flux prunes the ui's Deployment and Service", 30, async () => {
        const gone = await testCluster().kubectl([
          "get",
          "deployment/jore4-ui",
          "service/jore4-ui",
          "-n",
          namespace,
          "--ignore-not-found",
          "-o",
          "name",
        ]);
        return gone.trim() === "" ? true : undefined;
      });
      assert.ok((await deployments()).has("jore4-hasura"), "the other services stay");
    });

    test("failure: a promotion the apiserver rejects shows as a failed reconciliation with its reason; what ran keeps running", async () => {
      const before = await liveAtHead(1);
      const hasura = before.live.get("jore4-hasura")!.spec.template.spec.containers[0]!.image;
      await cli("set-image", "hasura", "hsldevcom/jore4-hasura:flux-e2e-never");
      // Valid for jore4-flux (generate accepts it), invalid for Kubernetes: a ConfigMap key with spaces.
      mkdirSync(join(repo.root, "manifests/all"), { recursive: true });
      writeFileSync(
        join(repo.root, "manifests/all/broken.yaml"),
        `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: broken\n  namespace: ${namespace}\ndata:\n  "not a key": x\n`,
      );
      await cli("generate");
      await commitAndPush("hasura: flux-e2e-never, and a ConfigMap the apiserver rejects");
      await cli("promote", "main", stage, "--push", "--yes");
      const head = await remoteHead(stage);
      const { value: failed } = await flux.eventually(
        "Flux reports the failed reconciliation",
        2 * intervalSeconds + 20,
        async () => {
          const status = (await kustomization()).status;
          const ready = status?.conditions?.find((condition) => condition.type === "Ready");
          return status?.lastAttemptedRevision === `${stage}@sha1:${head}` && ready?.status === "False"
            ? { status, ready }
            : undefined;
        },
      );
      process.stderr.write(`Flux: ${failed.ready.reason}: ${failed.ready.message}\n`);
      assert.equal(failed.ready.reason, "ReconciliationFailed");
      assert.match(failed.ready.message, new RegExp(`ConfigMap/${namespace}/broken dry-run failed \\(Invalid\\)`));
      assert.match(failed.ready.message, /not a key/);
      assert.equal(failed.status.lastAppliedRevision, `${stage}@sha1:${before.head}`, "nothing of it was applied");
      const live = await deployments();
      assert.equal(
        live.get("jore4-hasura")!.spec.template.spec.containers[0]!.image,
        hasura,
        "the old image keeps running",
      );
      assert.ok(rolledOut(live.get("jore4-hasura")!), "and stays available");
    });
  });
}
