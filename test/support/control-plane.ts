import { generateKeyPairSync, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { stringify } from "yaml";
import { stageContext } from "../../src/cluster/context-guard.ts";
import { diskFiles } from "../../src/io/source-files.ts";
import { toolsBinDir } from "../../src/tools/paths.ts";
import { loadProjectConfig } from "../../src/config/load.ts";
import { answers, freePort, type Processes } from "./processes.ts";

/**
 * A real Kubernetes control plane for the tests: etcd and kube-apiserver built from the pinned Go
 * modules (`tools install`), on loopback, with service-account token signing and a kubeconfig
 * whose contexts carry the real stages' names (all pointing at this one apiserver) plus one
 * foreign context for the guard's tests. `startCluster` (cluster.ts) adds what runs workloads.
 */
export interface ControlPlane {
  kubeconfig: string;
  /** Environment for child processes: KUBECONFIG set, .tools/bin first on PATH. */
  env: NodeJS.ProcessEnv;
  /** Context names by stage, and `foreign` (a context of another cluster name, same server). */
  contexts: Record<string, string>;
  kubectl(args: string[], input?: string): Promise<string>;
  stop(): Promise<void>;
}

export const foreignContext = "some-other-cluster";

/** Files the other components of the cluster need from the control plane. */
export interface ControlPlaneFiles {
  /** The CA of the apiserver's serving certificate. */
  caCertificate: string;
  /** The key that signs service-account tokens. */
  serviceAccountKey: string;
}

/** Starts etcd and kube-apiserver as `processes` (logs beside the others), files in `dir`. */
export async function startControlPlane(
  root: string,
  dir: string,
  processes: Processes,
): Promise<Omit<ControlPlane, "stop"> & ControlPlaneFiles> {
  const bin = toolsBinDir(root);
  const [etcdClient, etcdPeer, apiPort] = [await freePort(), await freePort(), await freePort()];
  processes.start("etcd", join(bin, "etcd"), [
    "--name=test",
    `--data-dir=${join(dir, "etcd")}`,
    `--listen-client-urls=http://127.0.0.1:${etcdClient}`,
    `--advertise-client-urls=http://127.0.0.1:${etcdClient}`,
    `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
    `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
    `--initial-cluster=test=http://127.0.0.1:${etcdPeer}`,
    "--unsafe-no-fsync",
    "--log-level=error",
  ]);
  await processes.waitUntil("etcd", 30, () => answers(`http://127.0.0.1:${etcdClient}/health`));
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const serviceAccountKey = join(dir, "sa.key");
  writeFileSync(serviceAccountKey, privateKey.export({ type: "pkcs1", format: "pem" }));
  writeFileSync(join(dir, "sa.pub"), publicKey.export({ type: "spki", format: "pem" }));
  const token = randomBytes(24).toString("hex");
  writeFileSync(join(dir, "tokens.csv"), `${token},admin,admin,system:masters\n`);
  mkdirSync(join(dir, "certs"));
  processes.start("kube-apiserver", join(bin, "kube-apiserver"), [
    `--etcd-servers=http://127.0.0.1:${etcdClient}`,
    `--secure-port=${apiPort}`,
    "--bind-address=127.0.0.1",
    "--advertise-address=127.0.0.1",
    // The apiserver makes itself a self-signed serving certificate (and its CA) here.
    `--cert-dir=${join(dir, "certs")}`,
    `--token-auth-file=${join(dir, "tokens.csv")}`,
    "--authorization-mode=RBAC",
    "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
    `--service-account-key-file=${join(dir, "sa.pub")}`,
    `--service-account-signing-key-file=${serviceAccountKey}`,
    "--service-cluster-ip-range=10.96.0.0/16",
    "--allow-privileged=true",
  ]);
  const caCertificate = join(dir, "certs", "apiserver.crt");
  await processes.waitUntil("kube-apiserver", 60, async () => existsSync(caCertificate));
  const { config } = loadProjectConfig(diskFiles(root));
  const contexts: Record<string, string> = Object.fromEntries(
    config.stages.map((stage) => [stage.name, stageContext(config, stage)]),
  );
  contexts.foreign = foreignContext;
  const kubeconfig = join(dir, "kubeconfig");
  writeFileSync(
    kubeconfig,
    stringify({
      apiVersion: "v1",
      kind: "Config",
      clusters: [
        {
          name: "test-control-plane",
          cluster: {
            server: `https://127.0.0.1:${apiPort}`,
            "certificate-authority-data": readFileSync(caCertificate).toString("base64"),
          },
        },
      ],
      users: [{ name: "admin", user: { token } }],
      contexts: [...new Set(Object.values(contexts))].map((name) => ({
        name,
        context: { cluster: "test-control-plane", user: "admin" },
      })),
      "current-context": config.kind.context,
    }),
  );
  const env = { ...process.env, KUBECONFIG: kubeconfig, PATH: `${bin}:${process.env.PATH}` };
  const kubectl = async (args: string[], input?: string) =>
    (await execa(join(bin, "kubectl"), ["--context", config.kind.context, ...args], { env, input })).stdout;
  await processes.waitUntil("kube-apiserver", 60, async () => {
    await kubectl(["get", "--raw", "/readyz"]);
    await kubectl(["get", "namespace", "default"]);
    return true;
  });
  return { kubeconfig, env, contexts, kubectl, caCertificate, serviceAccountKey };
}
