import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { FluxSync } from "../../src/cluster/flux-status.ts";
import { fluxRevision } from "../../src/kube/flux.ts";
import type { KubeObject } from "../../src/kube/object.ts";
import { stageStatus, type StageFacts, type WantedDeployment } from "../../src/status/model.ts";
import { followStatus } from "../../src/status/watch.ts";

/**
 * The status verdicts' reasons and edges that the mutation run of src/status (README, "Mutation
 * testing") found untested: which Deployment is stalled, missing or drifted and why, and a
 * Kustomization that fails at the head.
 */
const head = "c".repeat(40);
const now = new Date("2026-12-02T05:00:00Z");

function deployment(name: string, images: Record<string, string>, status: Record<string, unknown>): KubeObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace: "ns", generation: 1 },
    spec: {
      replicas: 1,
      template: {
        spec: { containers: Object.entries(images).map(([container, image]) => ({ name: container, image })) },
      },
    },
    status,
  };
}
const rolledOut = { observedGeneration: 1, replicas: 1, updatedReplicas: 1, availableReplicas: 1 };
const rolling = { ...rolledOut, updatedReplicas: 0 };

const wanted: WantedDeployment[] = [
  { namespace: "ns", name: "api", images: { api: "api:2", sidecar: "proxy:1" } },
  { namespace: "ns", name: "ui", images: { ui: "ui:2" } },
  { namespace: "ns", name: "db", images: { db: "db:1" } },
];

/** A kind stage deployed at the head: the verdict comes from its Deployments. */
function kindStage(deployments: KubeObject[]): StageFacts {
  return {
    stage: "e2e",
    platform: "kind",
    context: "kind-jore4",
    namespace: "ns",
    git: { branch: "e2e", head, headRef: "HEAD" },
    wanted,
    cluster: { reachable: true, recorded: { revision: head, uncommitted: false }, deployments },
  };
}

describe("status of a stage's Deployments (found by mutation testing)", () => {
  it("in sync when every container of every Deployment runs git's image", () => {
    const status = stageStatus(
      kindStage([
        deployment("api", { api: "api:2", sidecar: "proxy:1" }, rolledOut),
        deployment("ui", { ui: "ui:2" }, rolledOut),
        deployment("db", { db: "db:1" }, rolledOut),
      ]),
      now,
    );
    assert.equal(status.verdict, "in-sync", status.reason);
    assert.deepEqual(
      status.deployments.map((report) => [report.id, report.state, report.drift]),
      [
        ["Deployment/ns/api", "rolled-out", false],
        ["Deployment/ns/ui", "rolled-out", false],
        ["Deployment/ns/db", "rolled-out", false],
      ],
    );
  });

  it("drifted when one container of two runs another image, naming only that container", () => {
    const status = stageStatus(
      kindStage([
        deployment("api", { api: "api:2", sidecar: "proxy:0" }, rolledOut),
        deployment("ui", { ui: "ui:2" }, rolledOut),
        deployment("db", { db: "db:1" }, rolledOut),
      ]),
      now,
    );
    assert.equal(status.verdict, "drifted");
    assert.equal(status.reason, "images differ from git: Deployment/ns/api sidecar runs proxy:0, git has proxy:1");
  });

  it("drifted when Deployments are missing, naming only the missing ones", () => {
    const status = stageStatus(kindStage([deployment("api", { api: "api:1", sidecar: "proxy:1" }, rolledOut)]), now);
    assert.equal(status.verdict, "drifted");
    assert.equal(status.reason, "missing in the cluster: Deployment/ns/ui, Deployment/ns/db");
  });

  it("failed when a rollout is stalled (Progressing=False), naming only that one; a rollout in progress is not stalled", () => {
    const stalled = {
      ...rolling,
      conditions: [
        { type: "Available", status: "False", reason: "MinimumReplicasUnavailable", message: "no" },
        { type: "Progressing", status: "False", reason: "ProgressDeadlineExceeded", message: "too slow" },
      ],
    };
    const progressing = {
      ...rolling,
      conditions: [
        { type: "Available", status: "False", reason: "MinimumReplicasUnavailable", message: "no" },
        { type: "Progressing", status: "True", reason: "ReplicaSetUpdated", message: "going" },
      ],
    };
    const status = stageStatus(
      kindStage([
        deployment("api", { api: "api:2", sidecar: "proxy:1" }, stalled),
        deployment("ui", { ui: "ui:2" }, progressing),
        deployment("db", { db: "db:1" }, rolledOut),
      ]),
      now,
    );
    assert.equal(status.verdict, "failed");
    assert.equal(status.reason, "Deployment/ns/api: 0/1 updated, 1/1 available, ProgressDeadlineExceeded: too slow");
    assert.deepEqual(
      status.deployments.map((report) => report.state),
      ["stalled", "rolling-out", "rolled-out"],
    );
    // Without the stalled one: rolling out, naming the one in progress.
    const rollingOut = stageStatus(
      kindStage([
        deployment("api", { api: "api:2", sidecar: "proxy:1" }, rolledOut),
        deployment("ui", { ui: "ui:2" }, progressing),
        deployment("db", { db: "db:1" }, rolledOut),
      ]),
      now,
    );
    assert.equal(rollingOut.verdict, "rolling-out");
    assert.equal(rollingOut.reason, "Deployment/ns/ui: 0/1 updated, 1/1 available");
  });
});

describe("status of a Flux stage (found by mutation testing)", () => {
  const revision = fluxRevision("dev", head);
  const fluxStage = (flux: FluxSync): StageFacts => ({
    stage: "dev",
    platform: "aks",
    context: "dev-cluster",
    namespace: "ns",
    git: { branch: "dev", head, headRef: "origin/dev" },
    wanted: [],
    cluster: { reachable: true, flux, deployments: [] },
  });
  const kustomization = {
    id: "Kustomization/flux-system/sync",
    observed: true,
    suspended: false,
    lastAppliedRevision: revision,
    lastAttemptedRevision: revision,
  };

  it("failed when the Kustomization that applied the head is Ready=False, with its reason and message", () => {
    const status = stageStatus(
      fluxStage({
        installed: true,
        kustomization: {
          ...kustomization,
          ready: { type: "Ready", status: "False", reason: "HealthCheckFailed", message: "timeout" },
        },
      }),
      now,
    );
    assert.equal(status.verdict, "failed");
    assert.equal(status.reason, "Kustomization/flux-system/sync: HealthCheckFailed: timeout");
    assert.equal(status.running, revision);
  });

  it("not deployed without the stage's Kustomization, saying to run deploy cluster", () => {
    const status = stageStatus(fluxStage({ installed: true }), now);
    assert.equal(status.verdict, "not-deployed");
    assert.equal(status.reason, "no Flux Kustomization of the stage (run `deploy cluster`)");
  });
});

describe("status --watch of several stages (found by mutation testing)", () => {
  it("goes on while one stage is not final, though another already is", async () => {
    const live = [
      deployment("api", { api: "api:2", sidecar: "proxy:1" }, rolledOut),
      deployment("ui", { ui: "ui:2" }, rolledOut),
      deployment("db", { db: "db:1" }, rolledOut),
    ];
    const inSync = (stage: string) => stageStatus({ ...kindStage(live), stage }, now);
    const behind = stageStatus(
      {
        ...kindStage(live),
        stage: "b",
        cluster: { reachable: true, recorded: { revision: "d".repeat(40), uncommitted: false }, deployments: live },
      },
      now,
    );
    assert.deepEqual([inSync("a").final, behind.final], [true, false]);
    const rounds = [
      [inSync("a"), behind],
      [inSync("a"), behind],
      [inSync("a"), inSync("b")],
    ];
    const followed = await followStatus(async () => rounds.shift()!, {
      timeoutSeconds: 60,
      pollSeconds: 0.001,
      progress: () => {},
    });
    assert.equal(followed.timedOut, false);
    assert.deepEqual(
      followed.statuses.map((status) => [status.stage, status.verdict]),
      [
        ["a", "in-sync"],
        ["b", "in-sync"],
      ],
    );
    assert.equal(rounds.length, 0);
  });
});
