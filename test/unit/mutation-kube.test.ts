import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseRevision, readyCondition, type FluxCondition } from "../../src/kube/flux.ts";

/** Flux's readers in src/kube/flux.ts at the edges the mutation run of flux.ts found untested. */
describe("Flux revisions and conditions (found by mutation testing)", () => {
  it("reads the Ready condition, not the first one listed", () => {
    const ready: FluxCondition = { type: "Ready", status: "False", reason: "BuildFailed", message: "no" };
    const conditions: FluxCondition[] = [
      { type: "Reconciling", status: "True", reason: "Progressing", message: "going" },
      ready,
    ];
    assert.deepEqual(readyCondition({ conditions }), ready);
    assert.equal(readyCondition({ conditions: conditions.slice(0, 1) }), undefined);
    // A Flux object the controller has not reconciled yet has a status without conditions.
    assert.equal(readyCondition({}), undefined);
  });

  it("reads `<branch>@sha1:<40 hex>` whole: nothing before or after it, and nothing from an absent revision", () => {
    const commit = "a".repeat(40);
    assert.deepEqual(parseRevision(`refs/heads/dev@sha1:${commit}`), { branch: "dev", commit });
    assert.equal(parseRevision(`dev@sha1:${commit}0`), undefined);
    assert.equal(parseRevision(`dev@sha1:${commit}/extra`), undefined);
    assert.equal(parseRevision(undefined), undefined);
  });
});
