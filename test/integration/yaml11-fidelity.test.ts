import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { stringify } from "yaml";
import { runCli } from "../support/cli.ts";
import { builtObject, kustomized, type BuiltObject } from "../support/kustomized.ts";
import { repoRoot, temporaryRepo } from "../support/repo-fixture.ts";

/**
 * Strings that YAML 1.2 (this tool) reads as strings when plain, or that YAML 1.1 readers
 * (kustomize, kubectl, Flux) read as timestamps, numbers, booleans or null.
 */
const ambiguous = [
  "2022-02-03",
  "2001-12-14t21:59:43.10-05:00",
  "1_000",
  "0b101",
  "yes",
  "No",
  "ON",
  "off",
  "y",
  "N",
  "0777",
  "1:20",
  "190:20:30.15",
  ".inf",
  "-.Inf",
  ".NaN",
  "~",
  "010",
  "+1",
  "1e3",
  "1.10",
  "0x1F",
  "0o17",
  "Null",
  "True",
  "<<",
  "1.",
  "+.5",
];

/** Numbers as manifest authors write them: file modes in octal with a leading zero, a hex number. */
const modesManifest = `apiVersion: v1
kind: Pod
metadata:
  name: modes
  namespace: hsl-jore4
spec:
  terminationGracePeriodSeconds: 0x1E
  containers:
    - name: main
      image: docker.io/library/busybox:1.36
  volumes:
    - name: config
      configMap:
        name: labelled
        defaultMode: 0644
        items:
          - key: bits
            path: bits
            mode: 0400
`;

const envOf = () => Object.fromEntries(ambiguous.map((value, index) => [`V${index}`, value]));

describe("what kustomize reads is what was rendered: YAML 1.1 readers get the same strings", () => {
  let dir: string;
  let cleanup: () => void;
  let e2e: BuiltObject[];
  let dev: BuiltObject[];
  /** kustomize's reading of the user's own manifest file, before jore4-flux touched it. */
  let fromSource: BuiltObject[];

  before(async () => {
    ({ dir, cleanup } = temporaryRepo());
    const common = join(dir, "values/common.yaml");
    // Every value double-quoted in the values file: a string, for every YAML version.
    const env = Object.entries(envOf())
      .map(([key, value]) => `      ${key}: ${JSON.stringify(value)}\n`)
      .join("");
    // Env names that are YAML 1.1 booleans as keys.
    const keys = '      "y": "1"\n      "ON": "2"\n      "NO": "3"\n';
    writeFileSync(
      common,
      readFileSync(common, "utf8").replace(
        "      OIDC_PROVIDER_BASE_URL: https://hslid-dev.t5.fi\n",
        (line) => line + env + keys,
      ),
    );
    const e2eValues = join(dir, "values/e2e.yaml");
    writeFileSync(
      e2eValues,
      readFileSync(e2eValues, "utf8")
        .replace('local: "0838619941439007"', 'local: "1_000"')
        .replace("local: postgres\n", 'local: "on"\n'),
    );
    mkdirSync(join(dir, "manifests/all"), { recursive: true });
    writeFileSync(
      join(dir, "manifests/all/labelled.yaml"),
      stringify({
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: {
          name: "labelled",
          namespace: "hsl-jore4",
          labels: { version: "1.10", enabled: "yes", build: "0777", release: "2022-02-03" },
          annotations: { "example.com/at": "1:20", "example.com/size": "1_000", "example.com/none": "~" },
        },
        data: { bits: "0b101", infinity: ".inf" },
      }),
    );
    writeFileSync(join(dir, "manifests/all/modes.yaml"), modesManifest);
    const generated = await runCli(dir, ["generate"]);
    assert.equal(generated.exitCode, 0, generated.stderr);
    e2e = await kustomized(repoRoot, join(dir, "clusters/e2e"));
    dev = await kustomized(repoRoot, join(dir, "clusters/dev"));
    const sourceOnly = join(dir, "source-only");
    mkdirSync(sourceOnly);
    writeFileSync(join(sourceOnly, "modes.yaml"), modesManifest);
    writeFileSync(join(sourceOnly, "kustomization.yaml"), "resources:\n  - modes.yaml\n");
    fromSource = await kustomized(repoRoot, sourceOnly);
  });
  after(() => cleanup());

  it("env values reach kustomize's output as the same strings (e2e and dev)", () => {
    for (const objects of [e2e, dev]) {
      const data = builtObject(objects, "ConfigMap", "jore4-auth-env").data as Record<string, unknown>;
      for (const [key, value] of Object.entries(envOf())) assert.strictEqual(data[key], value, `${key}: ${value}`);
      assert.strictEqual(data.y, "1");
      assert.strictEqual(data.ON, "2");
      assert.strictEqual(data.NO, "3");
    }
  });

  it("secret values reach kustomize's output as the same strings", () => {
    const secret = builtObject(e2e, "Secret", "jore4-auth-secrets").stringData as Record<string, unknown>;
    assert.strictEqual(secret["oidc-client-id"], "1_000");
    const hasura = builtObject(e2e, "Secret", "jore4-hasura-secrets").stringData as Record<string, unknown>;
    assert.strictEqual(hasura["db-name"], "on");
  });

  it("labels, annotations and data of a plain manifest reach kustomize's output unchanged", () => {
    const object = builtObject(dev, "ConfigMap", "labelled");
    assert.deepEqual(object.metadata.labels, { version: "1.10", enabled: "yes", build: "0777", release: "2022-02-03" });
    assert.deepEqual(object.metadata.annotations, {
      "example.com/at": "1:20",
      "example.com/size": "1_000",
      "example.com/none": "~",
    });
    assert.deepEqual(object.data, { bits: "0b101", infinity: ".inf" });
  });

  it("numbers of a plain manifest reach kustomize as they do from the user's own file (0644 is octal)", () => {
    const rendered = builtObject(dev, "Pod", "modes");
    assert.deepEqual(rendered.spec, builtObject(fromSource, "Pod", "modes").spec);
    const volume = (rendered.spec as { volumes: { configMap: { defaultMode: number; items: { mode: number }[] } }[] })
      .volumes[0]!.configMap;
    assert.deepEqual([volume.defaultMode, volume.items[0]!.mode], [0o644, 0o400]);
  });
});
