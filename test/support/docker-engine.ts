import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa, type Result } from "execa";
import { toolsBinDir } from "../../src/tools/paths.ts";
import { Processes } from "./processes.ts";

/**
 * A private Docker engine for the tests, started and stopped by the harness as the control plane
 * is: Debian's dockerd (docker.io, installed by scripts/install-test-deps.sh) with its own
 * data-root, exec-root, pidfile, configuration and unix socket in a fresh folder, never the
 * machine's default daemon or socket. Clients reach it through `env` (DOCKER_HOST, and
 * DOCKER_CONFIG whose cli-plugins/ holds the docker-compose `tools install` built, so `docker
 * compose` works); `docker` on that PATH is Debian's client of the same release as the daemon.
 *
 * Settings, and why: `--iptables=false` (the tests touch no firewall rules of the
 * machine; ports are published by docker-proxy, on user-defined networks such as the one compose
 * makes), `--bridge=none` (no docker0 on the machine; the default network then publishes nothing),
 * overlay2 when the folder's file system can mount an overlay (vfs copies every layer in full), and
 * address pools in a 10.x.0.0/16 no route of the machine uses, so a second engine (another test
 * run, the kind tests) cannot make a bridge that shadows this one's.
 */
export interface DockerEngine {
  /** `unix://<folder>/docker.sock`. */
  host: string;
  /** Environment for docker clients: DOCKER_HOST, DOCKER_CONFIG, PATH (the engine's client first); no other DOCKER_/COMPOSE_ variable of the caller. */
  env: NodeJS.ProcessEnv;
  storageDriver: "overlay2" | "vfs";
  /** The daemon's log (kept, with the folder, after `keepLogs`). */
  log: string;
  /** How long the daemon took to answer, in seconds. */
  startSeconds: number;
  /** Runs the docker client against this engine (at most `timeoutSeconds`, default 300); fails with its output when it fails. */
  docker(args: readonly string[], options?: DockerOptions): Promise<Result>;
  /** Keep the folder (and so the log) after `stop`: a test failed. */
  keepLogs(): void;
  /** Removes every container, stops the daemon (bounded), unmounts what it left, removes the folder. */
  stop(): Promise<void>;
}

export interface DockerOptions {
  input?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  timeoutSeconds?: number;
}

/** Debian's docker client, the same release as its dockerd (another `docker` may come first on PATH). */
const debianDocker = "/usr/bin/docker";
const dockerd = "/usr/sbin/dockerd";
const startSeconds = 60;
const stopSeconds = 30;

/** Whether `dir`'s file system can hold an overlay mount (overlay2's need): tried with a real mount. */
function overlayWorks(dir: string): boolean {
  const probe = mkdtempSync(join(dir, "overlay-probe-"));
  try {
    for (const part of ["lower", "upper", "work", "merged"]) mkdirSync(join(probe, part));
    const mounted = spawnSync("mount", [
      "-t",
      "overlay",
      "overlay",
      "-o",
      `lowerdir=${join(probe, "lower")},upperdir=${join(probe, "upper")},workdir=${join(probe, "work")}`,
      join(probe, "merged"),
    ]);
    if (mounted.status !== 0) return false;
    spawnSync("umount", [join(probe, "merged")]);
    return true;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}

/** The IPv4 destinations of the machine's routes (/proc/net/route: little-endian hex). */
function routedDestinations(): string[] {
  if (!existsSync("/proc/net/route")) return [];
  return readFileSync("/proc/net/route", "utf8")
    .split("\n")
    .slice(1)
    .map((line) => line.trim().split(/\s+/)[1])
    .filter((hex): hex is string => !!hex && hex.length === 8)
    .map((hex) => [3, 2, 1, 0].map((byte) => parseInt(hex.slice(byte * 2, byte * 2 + 2), 16)).join("."));
}

/** A 10.x.0.0/16 that no route of the machine falls in, for the engine's networks. */
function freeAddressPool(): string {
  const used = new Set(
    routedDestinations()
      .filter((address) => address.startsWith("10."))
      .map((address) => address.split(".")[1]),
  );
  // Start at a random second octet so two engines started at once are unlikely to pick the same.
  const start = 100 + Math.floor(Math.random() * 150);
  for (let step = 0; step < 150; step++) {
    const octet = String(100 + ((start - 100 + step) % 150));
    if (!used.has(octet)) return `10.${octet}.0.0/16`;
  }
  throw new Error("no free 10.x.0.0/16 for the test Docker engine's networks");
}

/** Processes whose command line names `dir` (the engine's containerd and shims use its paths). */
function processesNaming(dir: string): number[] {
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry) && Number(entry) !== process.pid)
    .filter((entry) => {
      try {
        return readFileSync(`/proc/${entry}/cmdline`, "utf8").includes(`${dir}/`);
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** Mount points under `dir` (deepest first): what a daemon killed mid-way may leave. */
function mountsUnder(dir: string): string[] {
  return readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .map((line) => line.split(" ")[4])
    .filter((point): point is string => !!point && point.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
}

export interface DockerEngineOptions {
  /** More dockerd arguments (e.g. the kind tests' `--add-runtime`/`--default-runtime`). */
  daemonArgs?: readonly string[];
}

/**
 * Starts a private Docker engine; `root` is the repository whose .tools/bin holds docker-compose.
 * A daemon that does not answer within 60 s fails the start naming it with the end of its log;
 * its folder is then kept (and printed) for the rest of the log.
 */
export async function startDockerEngine(root: string, options: DockerEngineOptions = {}): Promise<DockerEngine> {
  for (const binary of [dockerd, debianDocker])
    if (!existsSync(binary))
      throw new Error(
        `${binary} is missing: install Debian's docker.io (scripts/install-test-deps.sh, run by npm test's pretest)`,
      );
  const compose = join(toolsBinDir(root), "docker-compose");
  if (!existsSync(compose))
    throw new Error(`${compose} is missing: run \`node bin/jore4-flux.js tools install docker-compose\``);
  // Short: the daemon's and containerd's unix sockets live under it (at most 108 bytes a path).
  const dir = mkdtempSync(join(tmpdir(), "j4d-"));
  const processes = new Processes(dir);
  const socket = join(dir, "docker.sock");
  const config = join(dir, "config");
  mkdirSync(join(config, "cli-plugins"), { recursive: true });
  symlinkSync(compose, join(config, "cli-plugins", "docker-compose"));
  mkdirSync(join(dir, "bin"));
  symlinkSync(debianDocker, join(dir, "bin", "docker"));
  // An empty daemon configuration: the machine's /etc/docker/daemon.json does not apply.
  writeFileSync(join(dir, "daemon.json"), "{}\n");
  const storageDriver = overlayWorks(dir) ? "overlay2" : "vfs";
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith("DOCKER_") && !name.startsWith("COMPOSE_")),
  );
  const env: NodeJS.ProcessEnv = {
    ...inherited,
    DOCKER_HOST: `unix://${socket}`,
    DOCKER_CONFIG: config,
    PATH: `${join(dir, "bin")}:${process.env.PATH}`,
  };
  const started = Date.now();
  processes.start(
    "dockerd",
    dockerd,
    [
      `--config-file=${join(dir, "daemon.json")}`,
      `--data-root=${join(dir, "data")}`,
      `--exec-root=${join(dir, "x")}`,
      `--pidfile=${join(dir, "dockerd.pid")}`,
      `--host=unix://${socket}`,
      `--storage-driver=${storageDriver}`,
      "--iptables=false",
      "--bridge=none",
      `--default-address-pool=base=${freeAddressPool()},size=24`,
      ...(options.daemonArgs ?? []),
    ],
    // containerd, runc and docker-proxy are in /usr/sbin and /usr/bin.
    { ...process.env, PATH: `${process.env.PATH ?? ""}:/usr/sbin:/usr/bin:/sbin:/bin` },
  );
  const docker = (args: readonly string[], options: DockerOptions = {}) =>
    execa(debianDocker, [...args], {
      env: { ...env, ...options.env },
      extendEnv: false,
      input: options.input,
      cwd: options.cwd,
      all: true,
      timeout: (options.timeoutSeconds ?? 300) * 1000,
    });
  let keep = false;
  let stopped = false;
  // A process that ends without `stop` (a crash, a closed output pipe) still ends its daemon, which
  // then stops its containers itself; only its folder stays.
  const onExit = () => {
    const pidfile = join(dir, "dockerd.pid");
    if (!stopped && existsSync(pidfile)) {
      try {
        process.kill(Number(readFileSync(pidfile, "utf8").trim()), "SIGTERM");
      } catch {
        // already gone
      }
    }
  };
  process.once("exit", onExit);
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    process.off("exit", onExit);
    // Containers first (dockerd would stop each with its own grace period), then the daemon.
    const running = await docker(["ps", "-aq"]).catch(() => undefined);
    const ids = String(running?.stdout ?? "")
      .split("\n")
      .filter(Boolean);
    if (ids.length > 0) await docker(["rm", "-f", "-v", ...ids]).catch(() => undefined);
    // dockerd stops its containerd before it exits; what a killed one leaves (containerd, shims) names this folder.
    await processes.stopAll(stopSeconds);
    for (const pid of processesNaming(dir)) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // gone meanwhile
      }
    }
    for (const point of mountsUnder(dir)) spawnSync("umount", ["-l", point]);
    if (keep)
      process.stderr.write(
        `the test Docker engine's folder (log: ${processes.logFile("dockerd")}) is kept in ${dir}\n`,
      );
    else rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  };
  try {
    await processes.waitUntil("dockerd", startSeconds, async () => (await docker(["version"])).exitCode === 0);
  } catch (error) {
    keep = true;
    await stop();
    throw error;
  }
  return {
    host: `unix://${socket}`,
    env,
    storageDriver,
    log: processes.logFile("dockerd"),
    startSeconds: (Date.now() - started) / 1000,
    docker,
    keepLogs: () => {
      keep = true;
    },
    stop,
  };
}
