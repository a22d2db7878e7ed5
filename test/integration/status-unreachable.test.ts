import assert from "node:assert/strict";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { stageContext } from "../../src/cluster/context-guard.ts";
import { statusReadSeconds } from "../../src/cluster/flux-status.ts";
import { findStage } from "../../src/config/project.ts";
import { diskFiles } from "../../src/io/source-files.ts";
import type { StageStatus } from "../../src/status/model.ts";
import { onPath } from "../../src/tools/locate.ts";
import { toolsBinDir } from "../../src/tools/paths.ts";
import { loadProjectConfig } from "../../src/config/load.ts";
import { runCli, type CliResult } from "../support/cli.ts";
import { createStageRepo, projectRoot, type StageRepo } from "../support/stage-repo.ts";

/**
 * A server that accepts TCP connections and never answers (a cluster behind a firewall that
 * swallows packets, a hung apiserver): it keeps each connection open until the client goes, and
 * counts how many it holds.
 */
class SilentServer {
  readonly open = new Set<Socket>();
  private readonly server: Server;
  port = 0;

  constructor(onConnection: () => void) {
    this.server = createServer((socket) => {
      this.open.add(socket);
      socket.on("error", () => {});
      // Reads (and drops) what the client sends, so that its going is seen.
      socket.resume();
      socket.on("close", () => this.open.delete(socket));
      onConnection();
    });
  }

  listen(): Promise<void> {
    return new Promise((resolve) =>
      this.server.listen(0, "127.0.0.1", () => {
        this.port = (this.server.address() as { port: number }).port;
        resolve();
      }),
    );
  }

  close(): Promise<void> {
    for (const socket of this.open) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const seconds = async (run: () => Promise<CliResult>) => {
  const started = performance.now();
  const result = await run();
  return { result, took: (performance.now() - started) / 1000 };
};

/** Time a run may take beyond its bound: loading the CLI, git, starting kubectl on a busy machine. */
const slack = 6;

describe("status against clusters that accept connections and never answer", () => {
  let repo: StageRepo;
  let env: Record<string, string>;
  const servers: SilentServer[] = [];
  /** Whether each server held a connection while the other did: the stages were read side by side. */
  let overlapped = false;
  const { config } = loadProjectConfig(diskFiles(projectRoot));
  const [aks, kind] = [findStage(config, "dev"), findStage(config, "e2e")];
  const [aksContext, kindContext] = [stageContext(config, aks), stageContext(config, kind)];

  before(async () => {
    repo = await createStageRepo();
    for (let index = 0; index < 2; index++) {
      const server = new SilentServer(() => {
        if (servers.every((one) => one.open.size > 0)) overlapped = true;
      });
      await server.listen();
      servers.push(server);
    }
    const kubeconfig = join(repo.dir, "kubeconfig");
    const cluster = (name: string, server: SilentServer) =>
      `  - name: ${name}\n    cluster: {server: "https://127.0.0.1:${server.port}", insecure-skip-tls-verify: true}\n`;
    writeFileSync(
      kubeconfig,
      [
        "apiVersion: v1",
        "kind: Config",
        "clusters:",
        cluster("aks", servers[0]!) + cluster("kind", servers[1]!),
        "users: [{name: someone, user: {token: not-a-secret}}]",
        "contexts:",
        `  - {name: ${aksContext}, context: {cluster: aks, user: someone}}`,
        `  - {name: ${kindContext}, context: {cluster: kind, user: someone}}`,
        `current-context: ${aksContext}`,
        "",
      ].join("\n"),
    );
    // Our kubectl and git only: no kubectl of the machine's.
    const bin = join(repo.dir, "bin");
    mkdirSync(bin);
    symlinkSync(join(toolsBinDir(projectRoot), "kubectl"), join(bin, "kubectl"));
    symlinkSync(onPath(process.env, "git")!, join(bin, "git"));
    env = { PATH: bin, KUBECONFIG: kubeconfig, HOME: repo.dir };
  });
  after(async () => {
    await Promise.all(servers.map((server) => server.close()));
    repo?.cleanup();
  });

  test(`each stage's read ends within ${statusReadSeconds} s, all stages side by side: unreachable, exit 3`, async () => {
    const { result, took } = await seconds(() => runCli(repo.root, ["status", "dev", "e2e", "--no-fetch"], env));
    assert.equal(result.exitCode, 3, result.stderr);
    assert.match(
      result.stdout,
      new RegExp(`^dev: unreachable: context ${aksContext}: no answer within ${statusReadSeconds} s$`, "m"),
    );
    assert.match(
      result.stdout,
      new RegExp(`^e2e: unreachable: context ${kindContext}: no answer within ${statusReadSeconds} s$`, "m"),
    );
    assert.match(result.stderr, /^error: dev unreachable, e2e unreachable$/m);
    assert.ok(took < statusReadSeconds + slack, `both stages read in ${took.toFixed(1)} s`);
    assert.ok(overlapped, "both clusters had a connection open at once");
    // kubectl was killed: the servers see its connections close (bounded: the kernel closes them at once).
    for (let waited = 0; servers.some((server) => server.open.size > 0) && waited < 5000; waited += 50) await sleep(50);
    assert.deepEqual(
      servers.map((server) => server.open.size),
      [0, 0],
      "kubectl is gone: no connection is left open",
    );
  });

  test(`history --live reads the Kustomization as status does, within the same ${statusReadSeconds} s: git-only, saying why`, async () => {
    const { result, took } = await seconds(() =>
      runCli(repo.root, ["history", "--live", "--stage", "dev", "--json", "--no-fetch"], env),
    );
    assert.equal(result.exitCode, 0, result.stderr);
    const report = JSON.parse(result.stdout) as { source: string; live: { stage: string; problem?: string }[] };
    assert.equal(report.source, "git");
    assert.deepEqual(report.live, [
      {
        stage: "dev",
        context: aksContext,
        problem: `the cluster could not be read: no answer within ${statusReadSeconds} s`,
      },
    ]);
    assert.ok(took < statusReadSeconds + slack, `read in ${took.toFixed(1)} s`);
    for (let waited = 0; servers.some((server) => server.open.size > 0) && waited < 5000; waited += 50) await sleep(50);
    assert.deepEqual(
      servers.map((server) => server.open.size),
      [0, 0],
      "kubectl is gone: no connection is left open",
    );
  });

  test("--watch stops at its --timeout, stopping the reads in flight", async () => {
    const timeout = 3;
    const { result, took } = await seconds(() =>
      runCli(repo.root, ["status", "dev", "e2e", "--watch", "--timeout", String(timeout), "--no-fetch"], env),
    );
    assert.equal(result.exitCode, 3, result.stderr);
    assert.match(
      result.stdout,
      new RegExp(
        `^dev: unreachable: context ${aksContext}: no answer before --timeout \\(${timeout} s\\) ran out$`,
        "m",
      ),
    );
    assert.match(result.stderr, new RegExp(`^error: after ${timeout} s, dev unreachable, e2e unreachable$`, "m"));
    // Below the stage's own bound: the deadline stopped the reads, not the bound.
    assert.ok(took < Math.min(timeout + slack, statusReadSeconds), `stopped after ${took.toFixed(1)} s`);
  });

  test("a stage named twice is read and reported once", async () => {
    const result = await runCli(
      repo.root,
      ["status", "e2e", "e2e", "--json", "--watch", "--timeout", "1", "--no-fetch"],
      env,
    );
    assert.equal(result.exitCode, 3, result.stderr);
    const report = JSON.parse(result.stdout) as { stages: StageStatus[] };
    assert.deepEqual(
      report.stages.map((stage) => [stage.stage, stage.verdict]),
      [["e2e", "unreachable"]],
    );
    assert.match(result.stderr, /^following e2e for up to 1 s…$/m);
  });

  test("--context not the stage's: refused (exit 4) in a reader's words, nothing read", async () => {
    const result = await runCli(repo.root, ["status", "dev", "--context", kindContext, "--no-fetch"], env);
    assert.equal(result.exitCode, 4);
    assert.match(
      result.stderr,
      new RegExp(
        `^error: refusing to read stage dev: --context is ${kindContext}, but the stage's context is ${aksContext}; nothing was read$`,
        "m",
      ),
    );
    assert.doesNotMatch(result.stderr, /applied/);
  });
});
