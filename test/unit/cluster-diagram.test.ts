import assert from "node:assert/strict";
import { test } from "node:test";
import { renderKindDiagram } from "../../src/cluster/kind.ts";
import type { ProjectConfig } from "../../src/config/project.ts";
import type { Values } from "../../src/values/schema.ts";

test("the kind picture follows the values: host ports, node ports, ingress routes, services", () => {
  const service = {
    enabled: true,
    image: "org/web:1",
    containerPort: 8080,
    serviceType: "ClusterIP",
    replicas: 1,
    env: {},
    secrets: {},
    waivers: [],
    ingressPath: "/web",
  };
  const values = {
    namespace: "apps",
    ingress: { hostPort: 9000 },
    secretStore: { mountPath: "/m" },
    services: {
      web: service,
      db: { ...service, ingressPath: undefined, serviceType: "NodePort", nodePort: 30001, hostPort: 6000 },
      off: { ...service, enabled: false },
    },
  } as unknown as Values;
  const dot = renderKindDiagram({ kind: { cluster: "c9", context: "kind-c9" } } as ProjectConfig, values);
  assert.match(dot, /"host:9000" -> "node:80";/);
  assert.match(dot, /"host:6000" -> "node:30001";/);
  assert.match(dot, /"ingress" -> "svc:web" \[label="\/web"\];/);
  assert.match(dot, /"node:30001" -> "svc:db";/);
  assert.match(dot, /cluster c9/);
  assert.match(dot, /namespace apps/);
  assert.ok(!dot.includes("svc:off"), "disabled services are not drawn");
});
