import assert from "node:assert/strict";
import { test } from "node:test";
import { commitsOnlyIn } from "../../src/promotion/read-history.ts";

test("what waits is git's `rev-list --count --no-merges stage..source`: side-branch commits count, merges and shared commits do not", () => {
  // main: m1 - m2 - m4(merge of f1-f2) - m5; dev: d1 = promotion merge of m2 onto m1.
  const parents = new Map<string, readonly string[]>([
    ["m1", []],
    ["m2", ["m1"]],
    ["f1", ["m2"]],
    ["f2", ["f1"]],
    ["m3", ["m2"]],
    ["m4", ["m3", "f2"]],
    ["m5", ["m4"]],
    ["d1", ["m1", "m2"]],
  ]);
  assert.equal(commitsOnlyIn(parents, "m5", "d1"), 4); // m3, f1, f2, m5
  assert.equal(commitsOnlyIn(parents, "m2", "d1"), 0);
  assert.equal(commitsOnlyIn(parents, "d1", "m5"), 0); // d1 is a merge
  assert.equal(commitsOnlyIn(parents, "m5", "m5"), 0);
});
