import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { stringify } from "yaml";
import { goTools } from "../../src/tools/catalog.ts";
import { toolsBinDir } from "../../src/tools/paths.ts";
import { startControlPlane, type ControlPlane } from "./control-plane.ts";
import { startGitServer, type GitServer } from "./git-server.ts";
import { answers, freePort, Processes } from "./processes.ts";

/**
 * The test cluster, started once per test run: the control plane (etcd, kube-apiserver), the
 * parts that run workloads (kube-controller-manager, kube-scheduler, and kwok simulating a few
 * nodes, so Deployments really roll out: pods are scheduled, started and become ready, only no
 * container runs), a smart-HTTP git server, and on demand the Flux controllers as plain processes.
 * Every component's log is kept in `logs`; after a failed test the folder stays and is printed.
 */
export interface Cluster extends ControlPlane {
  /** The folder with every component's log. */
  logs: string;
  /** The simulated nodes (kwok manages the nodes carrying `kwok.x-k8s.io/node: fake`). */
  nodes: string[];
  git: GitServer;
  /**
   * Starts source-, kustomize- and notification-controller (once; later calls return at once).
   * They watch Flux's kinds from the start, so the Flux CRDs must be installed (`deploy crds`) first.
   */
  startFlux(): Promise<void>;
  /** Keep the logs (and data) after `stop`: a test failed. */
  keepLogs(): void;
}

/** The kwok Stage definitions the cluster uses: node-initialize, node-heartbeat-with-lease, pod-ready, pod-complete, pod-delete. */
const kwokStages = fileURLToPath(new URL("./kwok", import.meta.url));
export const simulatedNodeAnnotation = { key: "kwok.x-k8s.io/node", value: "fake" } as const;
const nodeCount = 3;

/** Fails naming what `tools install` must still build. */
function requireTools(root: string): void {
  const missing = goTools
    .filter((tool) => tool.forTests && !existsSync(join(toolsBinDir(root), tool.name)))
    .map((tool) => tool.name);
  if (missing.length > 0)
    throw new Error(
      `the test cluster needs ${missing.join(", ")} in ${toolsBinDir(root)}: run \`node bin/jore4-flux.js tools install\` (npm test's pretest does)`,
    );
}

export async function startCluster(root: string): Promise<Cluster> {
  requireTools(root);
  const bin = toolsBinDir(root);
  const dir = mkdtempSync(join(tmpdir(), "jore4-flux-cluster-"));
  const logs = join(dir, "logs");
  mkdirSync(logs);
  const processes = new Processes(logs);
  let keep = false;
  let git: GitServer | undefined;
  const stop = async () => {
    await processes.stopAll();
    await git?.close();
    if (keep) process.stderr.write(`the test cluster's logs are kept in ${logs}\n`);
    else rmSync(dir, { recursive: true, force: true });
  };
  try {
    const plane = await startControlPlane(root, dir, processes);
    const kubeconfig = `--kubeconfig=${plane.kubeconfig}`;
    const [controllerManagerPort, schedulerPort] = [await freePort(), await freePort()];
    const serving = (port: number) => [
      "--bind-address=127.0.0.1",
      `--secure-port=${port}`,
      "--authorization-always-allow-paths=/healthz,/readyz,/livez,/metrics",
      "--leader-elect=false",
      "--kube-api-qps=100",
      "--kube-api-burst=200",
    ];
    processes.start("kube-controller-manager", join(bin, "kube-controller-manager"), [
      kubeconfig,
      ...serving(controllerManagerPort),
      "--use-service-account-credentials=false",
      `--service-account-private-key-file=${plane.serviceAccountKey}`,
      `--root-ca-file=${plane.caCertificate}`,
      "--cluster-name=jore4-flux-test",
    ]);
    processes.start("kube-scheduler", join(bin, "kube-scheduler"), [kubeconfig, ...serving(schedulerPort)]);
    processes.start("kwok", join(bin, "kwok"), [
      kubeconfig,
      "--manage-all-nodes=false",
      `--manage-nodes-with-annotation-selector=${simulatedNodeAnnotation.key}=${simulatedNodeAnnotation.value}`,
      "--node-ip=127.0.0.1",
      ...readdirSync(kwokStages)
        .filter((file) => file.endsWith(".yaml"))
        .map((file) => `--config=${join(kwokStages, file)}`),
    ]);
    await processes.waitUntil("kube-controller-manager", 60, async () => {
      if (!(await answers(`https://127.0.0.1:${controllerManagerPort}/healthz`))) return false;
      // Its serviceaccount controller gives every namespace the account pods run as.
      await plane.kubectl(["get", "serviceaccount", "default", "-n", "default"]);
      return true;
    });
    await processes.waitUntil("kube-scheduler", 60, () => answers(`https://127.0.0.1:${schedulerPort}/healthz`));
    const nodes = Array.from({ length: nodeCount }, (_, index) => `kwok-node-${index}`);
    await plane.kubectl(
      ["apply", "-f", "-"],
      nodes
        .map((name) =>
          stringify({
            apiVersion: "v1",
            kind: "Node",
            metadata: {
              name,
              annotations: { [simulatedNodeAnnotation.key]: simulatedNodeAnnotation.value },
              labels: {
                "kubernetes.io/hostname": name,
                "kubernetes.io/os": "linux",
                "kubernetes.io/arch": "amd64",
                type: "kwok",
              },
            },
          }),
        )
        .join("---\n"),
    );
    await processes.waitUntil("kwok", 60, async () => {
      const listed = JSON.parse(await plane.kubectl(["get", "nodes", "-o", "json"])) as {
        items: { status?: { conditions?: { type: string; status: string }[] } }[];
      };
      return (
        listed.items.length === nodeCount &&
        listed.items.every((node) =>
          node.status?.conditions?.some((condition) => condition.type === "Ready" && condition.status === "True"),
        )
      );
    });
    git = await startGitServer(processes.logFile("git-server"));

    let flux: Promise<void> | undefined;
    const startFlux = async () => {
      const [storage, events, receiver, ...ports] = await Promise.all(Array.from({ length: 9 }, () => freePort()));
      const controllerEnv = { ...plane.env, RUNTIME_NAMESPACE: "flux-system" };
      const common = (index: number) => [
        `--metrics-addr=127.0.0.1:${ports[2 * index]}`,
        `--health-addr=127.0.0.1:${ports[2 * index + 1]}`,
        "--log-level=info",
      ];
      const eventsAddress = `--events-addr=http://127.0.0.1:${events}/`;
      mkdirSync(join(dir, "flux-storage"));
      processes.start(
        "notification-controller",
        join(bin, "notification-controller"),
        [...common(0), `--events-addr=127.0.0.1:${events}`, `--receiverAddr=127.0.0.1:${receiver}`],
        controllerEnv,
      );
      processes.start(
        "source-controller",
        join(bin, "source-controller"),
        [
          ...common(1),
          eventsAddress,
          `--storage-path=${join(dir, "flux-storage")}`,
          `--storage-addr=127.0.0.1:${storage}`,
          `--storage-adv-addr=127.0.0.1:${storage}`,
        ],
        controllerEnv,
      );
      processes.start(
        "kustomize-controller",
        join(bin, "kustomize-controller"),
        [...common(2), eventsAddress],
        controllerEnv,
      );
      for (const [index, name] of ["notification-controller", "source-controller", "kustomize-controller"].entries())
        await processes.waitUntil(name, 60, () => answers(`http://127.0.0.1:${ports[2 * index + 1]}/readyz`));
    };
    return {
      ...plane,
      logs,
      nodes,
      git,
      startFlux: () => (flux ??= startFlux()),
      keepLogs: () => {
        keep = true;
      },
      stop,
    };
  } catch (error) {
    keep = true;
    await stop();
    throw error;
  }
}
