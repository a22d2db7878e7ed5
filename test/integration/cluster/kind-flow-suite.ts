import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { execa } from "execa";
import { parse } from "yaml";
import { diskFiles } from "../../../src/io/source-files.ts";
import { loadProject } from "../../../src/values/load.ts";
import { runCli } from "../../support/cli.ts";
import type { Cluster } from "../../support/cluster.ts";
import { repoRoot as repositoryRoot } from "../../support/repo-fixture.ts";

const project = loadProject(diskFiles(repositoryRoot));
const kindModel = project.stages.find((model) => model.stage.platform === "kind")!;

/**
 * `kindcluster.sh start --cluster=clusters/e2e` as a developer runs it, minus `kind create` (no
 * Docker here): against the kind-named context of the test cluster, one of whose simulated
 * nodes carries the labels the rendered kind configuration gives kind's node. Everything must
 * really roll out: the success path of both roll-out waits.
 */
export function kindFlowSuite(testCluster: () => Cluster): void {
  describe("kindcluster.sh start on an existing cluster: everything becomes available", () => {
    let cluster: Cluster;
    let node: string;
    let labels: Record<string, string>;

    before(async () => {
      cluster = testCluster();
      node = cluster.nodes[0]!;
      const rendered = await runCli(repositoryRoot, ["kind", "config"]);
      assert.equal(rendered.exitCode, 0, rendered.stderr);
      labels = (parse(rendered.stdout) as { nodes: { labels?: Record<string, string> }[] }).nodes[0]!.labels ?? {};
      assert.deepEqual(labels, { "ingress-ready": "true" });
      await cluster.kubectl([
        "label",
        "node",
        node,
        "--overwrite",
        ...Object.entries(labels).map(([key, value]) => `${key}=${value}`),
      ]);
    });
    after(async () => {
      await cluster?.kubectl(["label", "node", node, ...Object.keys(labels ?? {}).map((key) => `${key}-`)]);
    });

    test("deploy crds waits for the ingress controller and deploy cluster e2e for every Deployment, both succeeding", async () => {
      const result = await execa(
        "bash",
        [
          join(repositoryRoot, "kindcluster.sh"),
          "start",
          `--cluster=clusters/${kindModel.stage.name}`,
          "--existing-cluster",
        ],
        { env: cluster.env, reject: false },
      );
      const stderr = String(result.stderr);
      assert.equal(result.exitCode, 0, stderr);
      assert.match(stderr, /all 1 Deployment\(s\) rolled out/, "the ingress controller");
      const services = Object.entries(kindModel.values.services).filter(([, service]) => service.enabled);
      assert.match(stderr, new RegExp(`all ${services.length} Deployment\\(s\\) rolled out`));
      const ingress = JSON.parse(
        await cluster.kubectl(["get", "deployment", "ingress-nginx-controller", "-n", "ingress-nginx", "-o", "json"]),
      ) as { status: { availableReplicas?: number } };
      assert.equal(ingress.status.availableReplicas, 1);
      const pods = JSON.parse(
        await cluster.kubectl([
          "get",
          "pods",
          "-n",
          "ingress-nginx",
          "-l",
          "app.kubernetes.io/component=controller",
          "-o",
          "json",
        ]),
      ) as { items: { spec: { nodeName: string } }[] };
      assert.deepEqual(
        pods.items.map((pod) => pod.spec.nodeName),
        [node],
        "the ingress controller runs on the node labelled as kind's",
      );
      for (const [name, service] of services) {
        const deployment = JSON.parse(
          await cluster.kubectl(["get", "deployment", `jore4-${name}`, "-n", kindModel.values.namespace, "-o", "json"]),
        ) as {
          spec: { replicas: number; template: { spec: { containers: { image: string }[] } } };
          status: { availableReplicas?: number; updatedReplicas?: number };
        };
        assert.equal(deployment.spec.template.spec.containers[0]!.image, service.image, name);
        assert.equal(deployment.status.availableReplicas, deployment.spec.replicas, `${name} is available`);
        assert.equal(deployment.status.updatedReplicas, deployment.spec.replicas, `${name} is updated`);
      }
    });
  });
}
