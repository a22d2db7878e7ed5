import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { memoryFiles } from "../../src/io/source-files.ts";
import { loadProject } from "../../src/values/load.ts";
import { refusalProblems } from "../support/bad-input.ts";
import { shippedFiles } from "../support/repo-fixture.ts";

/** Bad input the loader refuses, each named at its file, line and key (src/values/load.ts). */
const shipped = shippedFiles();

const problemsOf = (changes: Record<string, string>) =>
  refusalProblems(() => loadProject(memoryFiles({ ...shipped, ...changes })));

describe("the configuration: one branch per stage", () => {
  it("two stages on one branch are refused at the second stage's branch", () => {
    const config = shipped["jore4-flux.yaml"]!;
    const prod = "  - name: prod\n    platform: aks\n";
    assert.ok(config.includes(prod));
    const line = config.slice(0, config.indexOf(prod)).split("\n").length + 2;
    assert.deepEqual(problemsOf({ "jore4-flux.yaml": config.replace(prod, `${prod}    branch: dev\n`) }), [
      `jore4-flux.yaml:${line}:5 stages.4.branch: branch dev is already used`,
    ]);
  });
});

describe("plain manifests: a DNS subdomain name and a kind", () => {
  const manifest = (name: string) => ({
    "manifests/all/quota.yaml": `apiVersion: v1\nkind: ResourceQuota\nmetadata:\n  name: ${JSON.stringify(name)}\n`,
  });

  it("accepts lower-case names of letters, digits, '-' and '.', starting and ending with a letter or digit", () => {
    for (const name of ["q", "quota", "jore4-quota.v1", "0-quota-9"]) {
      const project = loadProject(memoryFiles({ ...shipped, ...manifest(name) }));
      assert.deepEqual(project.stages[0]!.manifests[0]!.objects[0]!.metadata, { name });
    }
  });

  it("refuses a name that only has a valid part: upper case or a '-' first, a '-' or '_' last", () => {
    for (const name of ["Quota", "-quota", "quota-", "quota_x", "quota.", "my quota"])
      assert.deepEqual(
        problemsOf(manifest(name)),
        ["manifests/all/quota.yaml:4:3 metadata.name: must be a DNS subdomain name"],
        name,
      );
  });

  it("refuses a manifest without kind (it would be written into clusters/ as it is)", () => {
    assert.deepEqual(
      problemsOf({ "manifests/dev/quota.yaml": "apiVersion: v1\nmetadata:\n  name: quota\nspec: {}\n" }),
      ["manifests/dev/quota.yaml:1:1 kind: required field is missing (expected string)"],
    );
  });
});
