import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { memoryFiles } from "../../src/io/source-files.ts";
import { yamlStreamValues } from "../../src/io/yaml-source.ts";
import { objectsText, parseObjects } from "../../src/kube/object.ts";
import { readKustomizeOutput } from "../../src/validate/kustomized.ts";
import { readStageFolder } from "../../src/validate/stage-files.ts";

/** A Secret volume's file mode as people write it: octal with a leading zero, as kubectl reads it (420). */
const manifest = [
  "apiVersion: v1",
  "kind: Pod",
  "metadata:",
  "  name: p",
  "spec:",
  "  containers:",
  "    - name: c",
  "      image: nginx@sha256:0000000000000000000000000000000000000000000000000000000000000000",
  "  volumes:",
  "    - name: s",
  "      secret:",
  "        secretName: s",
  "        defaultMode: 0644",
  "        items:",
  "          - key: k",
  "            path: k",
  "            mode: -010",
  "  terminationGracePeriodSeconds: 30",
  "  hostname: '0644'",
  "",
].join("\n");

type Volumes = { spec: { volumes: { secret: { defaultMode: unknown; items: { mode: unknown }[] } }[] } };
const numbers = (object: unknown) => {
  const { spec } = object as Volumes & { spec: { terminationGracePeriodSeconds: unknown; hostname: unknown } };
  const secret = spec.volumes[0]!.secret;
  return [secret.defaultMode, secret.items[0]!.mode, spec.terminationGracePeriodSeconds, spec.hostname];
};
const kubernetesReading = [0o644, -0o10, 30, "0644"];

describe("every reader of manifests reads a number the same way: a leading zero is octal, as kubectl reads it", () => {
  it("deploy --cluster (kustomize's output, parseObjects) reads 0644 as check reads the stage folder: 420", () => {
    const deployed = parseObjects(manifest, "kustomize build clusters/dev")[0];
    const checked = readStageFolder(memoryFiles({ "clusters/dev/pod.yaml": manifest }), "clusters/dev").objects[0]!
      .object;
    assert.deepEqual(numbers(checked), kubernetesReading);
    assert.deepEqual(numbers(deployed), kubernetesReading);
    // What deploy hands kubectl is the number it read.
    assert.match(objectsText([deployed!]), /^ {8}defaultMode: 420$/m);
  });

  it("the other readers (kustomize's printed build, lenient reads of past commits) read it the same", () => {
    assert.deepEqual(numbers(readKustomizeOutput(manifest)[0]), kubernetesReading);
    assert.deepEqual(numbers(yamlStreamValues(manifest)[0]), kubernetesReading);
  });
});
