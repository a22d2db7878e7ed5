import assert from "node:assert/strict";
import { it } from "node:test";
import type { StageConfig } from "../../src/config/project.ts";
import { parseYamlSource } from "../../src/io/yaml-source.ts";
import { isStageSpecific, parityFindings } from "../../src/validate/parity.ts";
import { convertCrd, convertOpenApi } from "../../src/validate/schema-convert.ts";

const stage = (name: string, platform: StageConfig["platform"]): StageConfig => ({
  name,
  platform,
  branch: name,
  promotedFrom: "main",
  fluxSync: platform === "aks",
  confirm: false,
});
const keys = ["ingress.host", "services.*.env.SELF_PUBLIC_BASE_URL", "secretStore"];

it("stage-parity: an override of a shared key names file, line and key", () => {
  const source = parseYamlSource(
    "values/test.yaml",
    "ingress:\n  host: test.example\nservices:\n  hasura:\n    replicas: 2\n",
  );
  const findings = parityFindings([{ stage: stage("test", "aks"), source }], keys);
  assert.equal(findings.length, 1);
  assert.deepEqual(
    {
      rule: findings[0]!.rule,
      file: findings[0]!.file,
      line: findings[0]!.line,
      path: findings[0]!.path,
      stage: findings[0]!.stage,
    },
    { rule: "stage-parity", file: "values/test.yaml", line: 5, path: "services.hasura.replicas", stage: "test" },
  );
});

it("stage-parity: stage-specific keys, their subtrees and kind stages pass", () => {
  const source = parseYamlSource(
    "values/dev.yaml",
    "ingress:\n  host: dev.example\nsecretStore:\n  keyVault: v\nservices:\n  auth:\n    env:\n      SELF_PUBLIC_BASE_URL: https://dev.example\n",
  );
  assert.deepEqual(parityFindings([{ stage: stage("dev", "aks"), source }], keys), []);
  const local = parseYamlSource("values/e2e.yaml", "services:\n  testdb:\n    enabled: true\n");
  assert.deepEqual(parityFindings([{ stage: stage("e2e", "kind"), source: local }], keys), []);
  assert.equal(isStageSpecific(["services", "ui", "env", "SELF_PUBLIC_BASE_URL"], keys), true);
  assert.equal(isStageSpecific(["services", "ui", "env", "OTHER"], keys), false);
});

it("schema conversion: strict objects, int-or-string, quantities, preserved unknown fields", () => {
  const converted = convertOpenApi({
    definitions: {
      "io.k8s.apimachinery.pkg.api.resource.Quantity": { type: "string", description: "d" },
      "a.Thing": {
        description: "x",
        "x-kubernetes-group-version-kind": [{ group: "example.com", version: "v1", kind: "Thing" }],
        properties: {
          port: { type: "string", format: "int-or-string" },
          count: { type: "integer", format: "int32" },
          when: { type: "string", format: "date-time" },
        },
      },
    },
  });
  assert.deepEqual(converted.kinds, { "example.com/v1/Thing": "a.Thing" });
  assert.deepEqual(converted.definitions["a.Thing"], {
    properties: {
      port: { oneOf: [{ type: "string" }, { type: "integer" }] },
      count: { type: "integer" },
      when: { type: "string", format: "date-time" },
    },
    additionalProperties: false,
  });
  assert.deepEqual(converted.definitions["io.k8s.apimachinery.pkg.api.resource.Quantity"], {
    oneOf: [{ type: "string" }, { type: "number" }],
  });
  const crd = convertCrd({
    metadata: { name: "things.example.com" },
    spec: {
      group: "example.com",
      names: { kind: "Thing" },
      versions: [
        {
          name: "v1",
          served: true,
          schema: {
            openAPIV3Schema: {
              type: "object",
              properties: {
                spec: {
                  type: "object",
                  "x-kubernetes-preserve-unknown-fields": true,
                  properties: { a: { type: "string" } },
                },
              },
            },
          },
        },
      ],
    },
  });
  assert.deepEqual(crd?.versions.v1?.schema, {
    type: "object",
    properties: {
      apiVersion: { type: "string" },
      kind: { type: "string" },
      metadata: { type: "object" },
      spec: { type: "object", properties: { a: { type: "string" } } },
    },
    additionalProperties: false,
  });
});
