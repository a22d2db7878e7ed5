import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, test } from "node:test";
import { fluxSyncOf, type FluxSync } from "../../src/cluster/flux-status.ts";
import { ExitCode } from "../../src/errors.ts";
import { fluxRevision } from "../../src/kube/flux.ts";
import type { KubeObject } from "../../src/kube/object.ts";
import {
  fluxConfig,
  fluxGitRepository,
  fluxKustomization,
  liveDeployment,
  rolledOutStatus,
} from "../support/flux-objects.ts";
import { assertGolden, outputGoldenDir } from "../support/golden.ts";
import { statusText } from "../../src/status/report-text.ts";
import { stageStatus, verdicts, type ClusterFacts, type StageFacts, type Verdict } from "../../src/status/model.ts";

/**
 * The verdicts of src/status/model.ts at their edges: a source that fails while it already holds
 * the head, a Ready=False that belongs to an older generation, and which verdicts end `--watch`.
 */
const head = "a".repeat(40);
const older = "b".repeat(40);
const wanted = fluxRevision("dev", head);
const before = fluxRevision("dev", older);
const now = new Date("2026-12-02T05:00:00Z");

const deployment = (image: string, status: Record<string, unknown>) => liveDeployment("jore4-ui", image, status);
const running = [deployment("ui:2", rolledOutStatus)];

const ready = (status: "True" | "False" | "Unknown", reason: string) => [
  { type: "Ready", status, reason, message: `${reason} message` },
];

/** The stage's GitRepository and Kustomization as kubectl lists them, read as `status` reads them. */
function sync(options: {
  source?: { artifact: string; ready: "True" | "False" };
  applied?: string;
  attempted?: string;
  ready?: "True" | "False" | "Unknown";
  generation?: number;
  observedGeneration?: number;
  suspend?: boolean;
}): FluxSync {
  const source = options.source ?? { artifact: wanted, ready: "True" };
  const objects: KubeObject[] = [
    fluxGitRepository({
      observedGeneration: 1,
      artifact: { revision: source.artifact },
      conditions: ready(source.ready, source.ready === "True" ? "Succeeded" : "GitOperationFailed"),
    }),
    fluxKustomization(
      {
        observedGeneration: options.observedGeneration ?? options.generation ?? 1,
        ...(options.applied ? { lastAppliedRevision: options.applied } : {}),
        ...(options.attempted ? { lastAttemptedRevision: options.attempted } : {}),
        conditions: ready(options.ready ?? "True", "ReconciliationSucceeded"),
      },
      { generation: options.generation ?? 1, spec: options.suspend ? { suspend: true } : {} },
    ),
  ];
  return fluxSyncOf(objects, fluxConfig);
}

function facts(cluster: ClusterFacts, git: Partial<StageFacts["git"]> = {}): StageFacts {
  return {
    stage: "dev",
    platform: "aks",
    context: "hsl-jore4-dev-cluster",
    namespace: "hsl-jore4",
    git: { branch: "dev", local: head, remote: head, head, headRef: "origin/dev", ...git },
    wanted: [{ namespace: "hsl-jore4", name: "jore4-ui", images: { "jore4-ui": "ui:2" } }],
    cluster,
  };
}

const flux = (fluxSync: FluxSync, deployments = running): StageFacts =>
  facts({ reachable: true, flux: fluxSync, deployments });

describe("status verdicts at their edges", () => {
  test("a source failing to fetch while its artifact is already the branch head: the stage is in sync", () => {
    const status = stageStatus(
      flux(sync({ source: { artifact: wanted, ready: "False" }, applied: wanted, attempted: wanted })),
      now,
    );
    assert.equal(status.verdict, "in-sync", status.reason);
    assert.equal(status.reason, `runs ${wanted}`);
  });

  test("a source failing while its artifact is older than the head: failed, with the source's words", () => {
    const status = stageStatus(
      flux(sync({ source: { artifact: before, ready: "False" }, applied: before, attempted: before })),
      now,
    );
    assert.equal(status.verdict, "failed");
    assert.equal(status.reason, "GitRepository/flux-system/flux-repo: GitOperationFailed: GitOperationFailed message");
  });

  test("Ready=False of an older generation while the head is attempted: applying, not failed", () => {
    const attempting = { applied: before, attempted: wanted, ready: "False" as const, generation: 2 };
    const stale = stageStatus(flux(sync({ ...attempting, observedGeneration: 1 })), now);
    assert.equal(stale.verdict, "applying", stale.reason);
    assert.equal(stale.final, false);
    // The same condition once the controller has seen the latest spec is the head failing.
    const current = stageStatus(flux(sync({ ...attempting, observedGeneration: 2 })), now);
    assert.equal(current.verdict, "failed", current.reason);
    assert.equal(current.reason, `${wanted} failed: ReconciliationSucceeded: ReconciliationSucceeded message`);
  });

  /** One stage's facts per verdict, in the model's order. */
  function oneCasePerVerdict(): [Verdict, StageFacts][] {
    const inSync = { applied: wanted, attempted: wanted };
    return [
      ["in-sync", flux(sync(inSync))],
      ["behind", flux(sync({ applied: before, attempted: before }))],
      ["applying", flux(sync({ applied: before, attempted: wanted, ready: "Unknown" }))],
      ["rolling-out", flux(sync(inSync), [deployment("ui:2", { ...rolledOutStatus, updatedReplicas: 0 })])],
      ["drifted", flux(sync(inSync), [deployment("ui:1", rolledOutStatus)])],
      ["failed", flux(sync({ ...inSync, suspend: true }))],
      ["not-deployed", facts({ reachable: true, flux: { installed: false }, deployments: [] })],
      [
        "no-branch",
        facts({ reachable: true, deployments: [] }, { local: undefined, remote: undefined, head: undefined }),
      ],
      ["unreachable", facts({ reachable: false, error: "dial tcp 127.0.0.1:1: connection refused" })],
    ];
  }

  test("status's text report of one stage per verdict (golden file: test/golden/output/status.txt)", () => {
    // Each stage named after its verdict, so the golden file reads as a catalogue of the lines.
    const statuses = oneCasePerVerdict().map(([verdict, stage]) => stageStatus({ ...stage, stage: verdict }, now));
    assertGolden(join(outputGoldenDir, "status.txt"), statusText(statuses));
  });

  test("which of all 9 verdicts end --watch (final), and their exit codes", () => {
    const cases = oneCasePerVerdict();
    assert.deepEqual(
      cases.map(([verdict]) => verdict),
      [...verdicts],
      "one case per verdict",
    );
    const final = new Set<Verdict>(["in-sync", "failed", "not-deployed", "no-branch", "unreachable"]);
    for (const [verdict, stage] of cases) {
      const status = stageStatus(stage, now);
      assert.equal(status.verdict, verdict, status.reason);
      assert.equal(status.final, final.has(verdict), `${verdict}: final`);
      const exitCode =
        verdict === "in-sync" ? ExitCode.ok : verdict === "unreachable" ? ExitCode.failed : ExitCode.findings;
      assert.equal(status.exitCode, exitCode, `${verdict}: exit code`);
    }
  });
});
