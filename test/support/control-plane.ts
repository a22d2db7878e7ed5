import { spawn, type ChildProcess } from "node:child_process";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { execa } from "execa";
import { stringify } from "yaml";
import { stageContext } from "../../src/cluster/context-guard.ts";
import { diskFiles } from "../../src/io/source-files.ts";
import { toolsBinDir } from "../../src/tools/paths.ts";
import { loadProjectConfig } from "../../src/values/load.ts";

/**
 * A real Kubernetes control plane for the tests: etcd and kube-apiserver built from the pinned Go
 * modules (`tools install`), on loopback, with a kubeconfig whose contexts carry the real stages'
 * names (all pointing at this one apiserver) plus one foreign context for the guard's tests.
 * No controller manager and no nodes: objects are stored and validated, nothing runs.
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

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

function started(command: string, args: string[], logFile: string): ChildProcess {
  const log = openSync(logFile, "a");
  return spawn(command, args, { stdio: ["ignore", log, log] });
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}

export async function startControlPlane(root: string): Promise<ControlPlane> {
  const bin = toolsBinDir(root);
  for (const tool of ["etcd", "kube-apiserver", "kubectl", "kustomize"]) {
    if (!existsSync(join(bin, tool)))
      throw new Error(`${tool} missing in ${bin}: run \`node bin/jore4-flux.js tools install\``);
  }
  const dir = mkdtempSync(join(tmpdir(), "jore4-flux-control-plane-"));
  const processes: ChildProcess[] = [];
  const stop = async () => {
    for (const child of processes.reverse()) await stopProcess(child);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const [etcdClient, etcdPeer, apiPort] = [await freePort(), await freePort(), await freePort()];
    processes.push(
      started(
        join(bin, "etcd"),
        [
          "--name=test",
          `--data-dir=${join(dir, "etcd")}`,
          `--listen-client-urls=http://127.0.0.1:${etcdClient}`,
          `--advertise-client-urls=http://127.0.0.1:${etcdClient}`,
          `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
          `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
          `--initial-cluster=test=http://127.0.0.1:${etcdPeer}`,
          "--unsafe-no-fsync",
          "--log-level=error",
        ],
        join(dir, "etcd.log"),
      ),
    );
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    writeFileSync(join(dir, "sa.key"), privateKey.export({ type: "pkcs1", format: "pem" }));
    writeFileSync(join(dir, "sa.pub"), publicKey.export({ type: "spki", format: "pem" }));
    const token = randomBytes(24).toString("hex");
    writeFileSync(join(dir, "tokens.csv"), `${token},admin,admin,system:masters\n`);
    mkdirSync(join(dir, "certs"));
    processes.push(
      started(
        join(bin, "kube-apiserver"),
        [
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
          `--service-account-signing-key-file=${join(dir, "sa.key")}`,
          "--service-cluster-ip-range=10.96.0.0/16",
          "--allow-privileged=true",
        ],
        join(dir, "apiserver.log"),
      ),
    );
    const { config } = loadProjectConfig(diskFiles(root));
    const contexts: Record<string, string> = Object.fromEntries(
      config.stages.map((stage) => [stage.name, stageContext(config, stage)]),
    );
    contexts.foreign = foreignContext;
    const certificate = join(dir, "certs", "apiserver.crt");
    for (let attempt = 0; !existsSync(certificate); attempt++) {
      if (attempt > 300)
        throw new Error(
          `kube-apiserver wrote no certificate:\n${readFileSync(join(dir, "apiserver.log"), "utf8").slice(-3000)}`,
        );
      await sleep(100);
    }
    const kubeconfig = join(dir, "kubeconfig");
    const uniqueContexts = [...new Set(Object.values(contexts))];
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
              "certificate-authority-data": readFileSync(certificate).toString("base64"),
            },
          },
        ],
        users: [{ name: "admin", user: { token } }],
        contexts: uniqueContexts.map((name) => ({ name, context: { cluster: "test-control-plane", user: "admin" } })),
        "current-context": config.kind.context,
      }),
    );
    const env = { ...process.env, KUBECONFIG: kubeconfig, PATH: `${bin}:${process.env.PATH}` };
    const kubectl = async (args: string[], input?: string) =>
      (await execa(join(bin, "kubectl"), ["--context", config.kind.context, ...args], { env, input })).stdout;
    for (let attempt = 0; ; attempt++) {
      const ready = await execa(join(bin, "kubectl"), ["--context", config.kind.context, "get", "--raw", "/readyz"], {
        env,
        reject: false,
      });
      if (
        ready.exitCode === 0 &&
        (
          await execa(join(bin, "kubectl"), ["--context", config.kind.context, "get", "namespace", "default"], {
            env,
            reject: false,
          })
        ).exitCode === 0
      )
        break;
      if (attempt > 120)
        throw new Error(
          `kube-apiserver did not become ready:\n${readFileSync(join(dir, "apiserver.log"), "utf8").slice(-3000)}`,
        );
      await sleep(500);
    }
    return { kubeconfig, env, contexts, kubectl, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
