import assert from "node:assert/strict";
import { it } from "node:test";
import type { KubeObject } from "../../src/kube/object.ts";
import { formatDiffMarkdown } from "../../src/diff/report.ts";
import { diffObjects, diffValues } from "../../src/diff/objects.ts";

const deployment = (image: string, env: { name: string; value: string }[]): KubeObject => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "api", namespace: "ns" },
  spec: { template: { spec: { containers: [{ name: "api", image, env }] } } },
});

it("diff: field by field, lists of named items matched by name (a reorder is no change)", () => {
  const before = deployment("a:1", [
    { name: "A", value: "1" },
    { name: "B", value: "2" },
  ]);
  const after = deployment("a:2", [
    { name: "B", value: "2" },
    { name: "A", value: "1" },
    { name: "C", value: "3" },
  ]);
  assert.deepEqual(diffObjects([before], [after]), [
    {
      object: "Deployment/ns/api",
      change: "changed",
      fields: [
        {
          path: "spec.template.spec.containers[name=api].env[name=C]",
          change: "added",
          after: { name: "C", value: "3" },
        },
        { path: "spec.template.spec.containers[name=api].image", change: "changed", before: "a:1", after: "a:2" },
      ],
    },
  ]);
});

it("diff: added and removed objects; equal objects are no change", () => {
  const a: KubeObject = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "a" } };
  const b: KubeObject = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "b" } };
  assert.deepEqual(
    diffObjects([a], [a, b]).map((change) => [change.object, change.change]),
    [["ConfigMap/b", "added"]],
  );
  assert.deepEqual(
    diffObjects([a, b], [b]).map((change) => [change.object, change.change]),
    [["ConfigMap/a", "removed"]],
  );
  assert.deepEqual(diffValues({ x: [1, 2] }, { x: [1, 2] }), []);
});

it("diff --markdown: a long diff is cut with a count of what was left out", () => {
  const objects = (value: string) =>
    Array.from({ length: 30 }, (_, index): KubeObject => ({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: `c${index}` },
      data: { key: value },
    }));
  const diffs = [{ title: "prod: main → working tree", changes: diffObjects(objects("old"), objects("new")) }];
  const text = formatDiffMarkdown(diffs, "diff", { maxLines: 21, maxValueLength: 80 });
  assert.match(text, /\| prod: main → working tree \| 0 \| 0 \| 30 \|/);
  assert.equal(text.split("\n").filter((line) => line.startsWith("- `~")).length, 10);
  assert.match(text, /… 40 more changed objects and fields not shown/);
  assert.doesNotMatch(formatDiffMarkdown(diffs, "diff"), /not shown/);
});
