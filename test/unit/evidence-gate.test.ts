import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { gateDecision, type GateInput } from "../../src/evidence/gate.ts";
import type { EvidenceEvent } from "../../src/evidence/model.ts";
import { observedEvents } from "../../src/evidence/observe.ts";
import type { StageStatus } from "../../src/status/model.ts";

const commit = "c".repeat(40);
const now = new Date("2026-12-07T22:00:00Z");
const event = (kind: EvidenceEvent["kind"], at: string, details?: Record<string, string>): EvidenceEvent => ({
  stage: "dev",
  kind,
  at,
  ...(details ? { details } : {}),
});
const input = (events: EvidenceEvent[], more: Partial<GateInput> = {}): GateInput => ({
  fromStage: "dev",
  promoteFrom: "main",
  commit,
  events,
  gate: { soakSeconds: 1800 },
  now,
  ...more,
});
const ran = [event("applied", "2026-12-07T21:00:00Z"), event("rolled-out", "2026-12-07T21:00:05Z")];

describe("gate: the decision table", () => {
  test("no gate: ungated, allowed", () => {
    assert.equal(gateDecision(input([], { gate: undefined })).verdict, "ungated");
  });
  test("missing record: refused, naming record and promote --wait", () => {
    const decision = gateDecision(input([]));
    assert.equal(decision.verdict, "missing");
    assert.equal(decision.allowed, false);
    assert.match(decision.evidence, /no record that dev applied and rolled out cccccccccccc/);
    assert.match(decision.fix ?? "", /jore4-flux record dev.*jore4-flux promote main dev --push --wait/);
    assert.match(
      gateDecision(input([ran[0]!])).evidence,
      /applied cccccccccccc at 2026-12-07T21:00:00Z, but no roll-out/,
    );
  });
  test("failed since the roll-out: refused with the reason; a failure before it (retried and applied) is not held against it", () => {
    const failed = gateDecision(
      input([...ran, event("failed", "2026-12-07T21:10:00Z", { reason: "Deployment stalled" })]),
    );
    assert.equal(failed.verdict, "failed");
    assert.match(failed.evidence, /dev failed with cccccccccccc at 2026-12-07T21:10:00Z: Deployment stalled/);
    const before = gateDecision(input([event("failed", "2026-12-07T20:59:00Z", { reason: "x" }), ...ran]));
    assert.equal(before.verdict, "passed");
    const never = gateDecision(input([event("failed", "2026-12-07T21:00:00Z", { reason: "rejected" })]));
    assert.equal(never.verdict, "failed");
    const rolledBack = gateDecision(input([event("rolled-back", "2026-12-07T21:01:00Z", { revert: "r" })]));
    assert.equal(rolledBack.verdict, "failed");
    assert.match(rolledBack.evidence, /rolled cccccccccccc back/);
  });
  test("superseded before its soak: refused; superseded after it: passed", () => {
    const early = gateDecision(
      input([...ran, event("stopped", "2026-12-07T21:10:05Z", { why: "superseded", by: "d" })]),
    );
    assert.equal(early.verdict, "superseded");
    assert.match(early.evidence, /ran cccccccccccc only 10 min/);
    const late = gateDecision(
      input([...ran, event("stopped", "2026-12-07T21:40:05Z", { why: "superseded", by: "d" })]),
    );
    assert.equal(late.verdict, "passed");
  });
  test("soaking: refused, saying until when", () => {
    const decision = gateDecision(input(ran, { now: new Date("2026-12-07T21:20:05Z") }));
    assert.equal(decision.verdict, "soaking");
    assert.equal(decision.until, "2026-12-07T21:30:05Z");
    assert.match(decision.fix ?? "", /wait 10 min \(until 2026-12-07T21:30:05Z\)/);
  });
  test("passed: rolled out, soaked, no failure", () => {
    const decision = gateDecision(input(ran));
    assert.equal(decision.verdict, "passed");
    assert.equal(decision.allowed, true);
  });
  test("overridden: allowed, carrying the reason and the refusal it went past", () => {
    const decision = gateDecision(input([], { override: "hotfix for the outage" }));
    assert.equal(decision.verdict, "overridden");
    assert.equal(decision.allowed, true);
    assert.equal(decision.overrides, "missing");
    assert.equal(decision.reason, "hotfix for the outage");
    assert.equal(
      gateDecision(input(ran, { override: "x" })).verdict,
      "passed",
      "an override of a passing gate is no override",
    );
  });
});

describe("record: what a reading of a stage proves", () => {
  const head = "a".repeat(40);
  const older = "b".repeat(40);
  /** dev's Flux sync: the commits it last applied and attempted, and its Ready condition. */
  const flux = (
    applied: string,
    attempted: string,
    ready: { status: "True" | "False"; reason: string; at: string },
  ): StageStatus["flux"] => ({
    installed: true,
    kustomization: {
      id: "Kustomization/flux-system/flux-system-sync",
      observed: true,
      suspended: false,
      lastAppliedRevision: `dev@sha1:${applied}`,
      lastAttemptedRevision: `dev@sha1:${attempted}`,
      ready: {
        type: "Ready",
        status: ready.status,
        reason: ready.reason,
        message: "",
        lastTransitionTime: ready.at,
      },
    },
  });
  const status = (over: Partial<StageStatus>): StageStatus => ({
    stage: "dev",
    platform: "aks",
    context: "hsl-jore4-dev-cluster",
    verdict: "in-sync",
    reason: "",
    exitCode: 0,
    final: true,
    git: { branch: "dev", head, headRef: "origin/dev", committedAt: "2026-12-07T20:59:58Z" },
    running: `dev@sha1:${head}`,
    flux: flux(head, head, { status: "True", reason: "ReconciliationSucceeded", at: "2026-12-07T21:00:00Z" }),
    deployments: [],
    ...over,
  });
  const kinds = (events: ReturnType<typeof observedEvents>) =>
    events.map((item) => `${item.commit[0]} ${item.event.kind} ${item.event.at}`);
  test("in sync: pushed, applied (when Ready turned), rolled out (when read); the revision before superseded", () => {
    const known = new Map([[older, { events: [event("applied", "2026-12-07T20:00:00Z")], other: [] }]]);
    assert.deepEqual(kinds(observedEvents(status({}), now, known)), [
      "a pushed 2026-12-07T20:59:58Z",
      "a applied 2026-12-07T21:00:00Z",
      "a rolled-out 2026-12-07T22:00:00Z",
      "b stopped 2026-12-07T21:00:00Z",
    ]);
  });
  test("failed: Flux's last attempt at the head failed, the reason kept; the running revision is not superseded", () => {
    const failing = status({
      verdict: "failed",
      reason: "dev@sha1:aaa failed: ReconciliationFailed: ConfigMap/x dry-run failed",
      running: `dev@sha1:${older}`,
      flux: flux(older, head, { status: "False", reason: "ReconciliationFailed", at: "2026-12-07T21:00:03Z" }),
    });
    const known = new Map([[older, { events: [event("applied", "2026-12-07T20:00:00Z")], other: [] }]]);
    const events = observedEvents(failing, now, known);
    assert.deepEqual(kinds(events), ["a pushed 2026-12-07T20:59:58Z", "a failed 2026-12-07T21:00:03Z"]);
    assert.match(events[1]!.event.details?.reason ?? "", /dry-run failed/);
  });
  test("behind, unreachable, a suspended sync: nothing but the push is proven", () => {
    assert.deepEqual(
      kinds(observedEvents(status({ verdict: "behind", running: `dev@sha1:${older}` }), now, new Map())),
      ["a pushed 2026-12-07T20:59:58Z"],
    );
    assert.deepEqual(observedEvents(status({ verdict: "unreachable" }), now, new Map()), []);
    assert.deepEqual(
      kinds(
        observedEvents(
          status({ verdict: "failed", reason: "suspended", running: `dev@sha1:${older}` }),
          now,
          new Map(),
        ),
      ),
      ["a pushed 2026-12-07T20:59:58Z"],
    );
  });
});
