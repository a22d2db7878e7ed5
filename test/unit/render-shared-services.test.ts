import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { renderProject } from "../../src/generate/render-project.ts";
import { memoryFiles } from "../../src/io/source-files.ts";
import type { KubeObject } from "../../src/kube/object.ts";
import { shippedFiles } from "../support/repo-fixture.ts";

/**
 * A service of the shared file that a stage leaves alone merges to the same values on every stage,
 * yet each stage renders it with its own settings: a memo shared across stages (as there once was,
 * keyed by a hand-picked subset of the inputs) would give one stage another's objects. These tests
 * use `ui` and `hasura`, which some stages never override.
 */
const shipped = shippedFiles();
const stages = ["e2e", "playg", "dev", "test", "prod"];

/** Each stage's objects, rendered from the shipped files with `text` added to `file` after the line `line`. */
function rendered(file: string, line: string, text: string): Map<string, KubeObject[]> {
  const files = { ...shipped, [file]: shipped[file]!.replace(line, `${line}${text}`) };
  return new Map(
    renderProject(memoryFiles(files)).stages.map((stage) => [stage.stage, stage.files.flatMap((file) => file.objects)]),
  );
}

function find(objects: readonly KubeObject[] | undefined, kind: string, name: string): any {
  const found = objects?.find((object) => object.kind === kind && object.metadata.name === name);
  assert.ok(found, `${kind}/${name}`);
  return found;
}

describe("services no stage overrides, rendered for each stage from its own values", () => {
  it('keep env values as written: VERSION: 1.10 on ui is "1.10" on every stage, not "1.1"', () => {
    for (const stage of stages)
      assert.ok(!shipped[`values/${stage}.yaml`]!.includes("\n  ui:"), `${stage} leaves ui alone`);
    const byStage = rendered(
      "values/common.yaml",
      "    ingressPath: /\n",
      "    env:\n      VERSION: 1.10\n      BUILD: 0777\n",
    );
    for (const stage of stages)
      assert.deepEqual(
        find(byStage.get(stage), "ConfigMap", "jore4-ui-env").data,
        { BUILD: "0777", VERSION: "1.10" },
        stage,
      );
  });

  it("get the mount path of their own stage: a stage overriding secretStore.mountPath mounts hasura's secrets there", () => {
    const byStage = rendered(
      "values/dev.yaml",
      "  keyVault: hsl-jore4-dev-vault\n",
      "  mountPath: /var/run/dev-secrets\n",
    );
    const mountPath = (stage: string) =>
      find(byStage.get(stage), "Deployment", "jore4-hasura").spec.template.spec.containers[0].volumeMounts[0].mountPath;
    // playg renders hasura just before dev, from the same parsed service: dev must not get its objects.
    assert.deepEqual(
      stages.map((stage) => [stage, mountPath(stage)]),
      [
        ["e2e", "/mnt/secrets-store"],
        ["playg", "/mnt/secrets-store"],
        ["dev", "/var/run/dev-secrets"],
        ["test", "/mnt/secrets-store"],
        ["prod", "/mnt/secrets-store"],
      ],
    );
  });
});
