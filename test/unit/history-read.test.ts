import assert from "node:assert/strict";
import { test } from "node:test";
import { commitsOnlyIn, parseCommitGraph } from "../../src/history/read.ts";

test("what waits is git's `rev-list --count --no-merges stage..source`: side-branch commits count, merges and shared commits do not", () => {
  // main: m1 - m2 - m3 - m4 (merge of f1 - f2, branched from m2) - m5; dev: d1, a promotion merge of m2 onto m1.
  const graph = parseCommitGraph(
    ["m5 m4", "m4 m3 f2", "m3 m2", "f2 f1", "f1 m2", "d1 m1 m2", "m2 m1", "m1", ""].join("\n"),
  );
  assert.equal(commitsOnlyIn(graph, "m5", "d1"), 4); // m3, f1, f2, m5
  assert.equal(commitsOnlyIn(graph, "m2", "d1"), 0);
  assert.equal(commitsOnlyIn(graph, "d1", "m5"), 0); // d1 is a merge
  assert.equal(commitsOnlyIn(graph, "m5", "m5"), 0);
});
