import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parse } from "yaml";
import { kindPortMappings, renderKindConfig } from "../../src/cluster/kind.ts";
import { deploymentState, explainingEvents, parseSeconds, rolloutTimeoutError } from "../../src/cluster/rollout.ts";
import type { ProjectConfig } from "../../src/config/project.ts";
import { durationSeconds, goDuration } from "../../src/config/duration.ts";
import type { Values } from "../../src/values/schema.ts";

const service = {
  enabled: true,
  image: "x:1",
  containerPort: 80,
  serviceType: "ClusterIP",
  replicas: 1,
  env: {},
  secrets: {},
  waivers: [],
} as const;
const values = {
  namespace: "ns",
  ingress: { hostPort: 8080 },
  secretStore: { mountPath: "/mnt/s" },
  services: {
    web: service,
    db: { ...service, serviceType: "NodePort", nodePort: 30100, hostPort: 5433 },
    off: { ...service, enabled: false, serviceType: "NodePort", nodePort: 30200, hostPort: 5434 },
  },
} as unknown as Values;

describe("kind configuration", () => {
  test("ingress host port → 80 and each enabled service's host port → its node port", () => {
    assert.deepEqual(
      kindPortMappings(values).map(({ hostPort, containerPort }) => [hostPort, containerPort]),
      [
        [8080, 80],
        [5433, 30100],
      ],
    );
    const rendered = parse(
      renderKindConfig({ kind: { cluster: "c1", context: "kind-c1" } } as ProjectConfig, values),
    ) as { name: string; nodes: { labels: object; extraPortMappings: object[] }[] };
    assert.equal(rendered.name, "c1");
    assert.deepEqual(rendered.nodes[0]!.labels, { "ingress-ready": "true" });
    assert.equal(rendered.nodes[0]!.extraPortMappings.length, 2);
    const noIngress = { ...values, ingress: {} } as Values;
    assert.deepEqual(
      kindPortMappings(noIngress).map((mapping) => mapping.hostPort),
      [5433],
    );
  });
});

describe("roll-out", () => {
  const deployment = (status: object, generation = 2, replicas = 2) => ({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", namespace: "ns", generation },
    spec: { replicas },
    status,
  });
  test("ready only when the controller saw the generation and every replica is updated and available", () => {
    assert.equal(deploymentState(deployment({})).ready, false);
    assert.equal(deploymentState(deployment({})).summary, "not yet seen by the deployment controller");
    assert.equal(
      deploymentState(deployment({ observedGeneration: 2, replicas: 2, updatedReplicas: 2, availableReplicas: 1 }))
        .summary,
      "2/2 updated, 1/2 available",
    );
    assert.equal(
      deploymentState(deployment({ observedGeneration: 1, replicas: 2, updatedReplicas: 2, availableReplicas: 2 }))
        .ready,
      false,
    );
    assert.equal(
      deploymentState(deployment({ observedGeneration: 2, replicas: 3, updatedReplicas: 2, availableReplicas: 2 }))
        .ready,
      false,
      "old pods still running",
    );
    assert.equal(
      deploymentState(deployment({ observedGeneration: 2, replicas: 2, updatedReplicas: 2, availableReplicas: 2 }))
        .ready,
      true,
    );
    const stuck = deploymentState(
      deployment({
        observedGeneration: 2,
        conditions: [{ type: "Progressing", status: "False", reason: "ProgressDeadlineExceeded", message: "too slow" }],
      }),
    );
    assert.match(stuck.summary, /ProgressDeadlineExceeded: too slow/);
  });

  test("the timeout error names each Deployment with the events of it, its ReplicaSets and Pods", () => {
    const events = explainingEvents(
      [
        {
          type: "Warning",
          reason: "Failed",
          message: "ErrImagePull",
          involvedObject: { kind: "Pod", name: "web-5d8-abc" },
        },
        { type: "Normal", reason: "Scheduled", message: "other", involvedObject: { kind: "Pod", name: "website-1" } },
        // A Service whose name shares the prefix is not the Deployment's (a real case: ingress-nginx-controller-admission).
        {
          type: "Warning",
          reason: "ClusterIPNotAllocated",
          message: "repairing",
          involvedObject: { kind: "Service", name: "web-admission" },
        },
      ],
      "web",
    );
    assert.deepEqual(events, ["Pod/web-5d8-abc: Warning Failed: ErrImagePull"]);
    const error = rolloutTimeoutError([deploymentState(deployment({}))], 30, new Map([["ns/web", events]]));
    assert.match(
      error.message,
      /1 Deployment\(s\) did not become ready within 30 s:\n {2}Deployment ns\/web: not yet seen by the deployment controller\n {4}Pod\/web-5d8-abc: Warning Failed: ErrImagePull/,
    );
    assert.equal(error.exitCode, 3);
  });

  test("timeouts are seconds or minutes", () => {
    assert.equal(parseSeconds("180"), 180);
    assert.equal(parseSeconds("90s"), 90);
    assert.equal(parseSeconds("5m"), 300);
    assert.throws(() => parseSeconds("soon"), /expected seconds/);
  });
});

describe("one duration grammar (Go durations, and bare seconds for timeouts)", () => {
  test("flags and values read the same grammar", () => {
    assert.equal(durationSeconds("180"), 180);
    assert.equal(durationSeconds("3m"), 180);
    assert.equal(durationSeconds("1m30s"), 90);
    assert.equal(durationSeconds("1h"), 3600);
    assert.equal(durationSeconds("500ms"), 0.5);
    assert.equal(durationSeconds("3 minutes"), undefined);
    assert.ok(goDuration.test("1m30s") && !goDuration.test("180"));
    assert.equal(parseSeconds("10m"), 600);
    assert.throws(() => parseSeconds("soon"), /--timeout soon: expected seconds like 180, 180s or 3m/);
  });
});
