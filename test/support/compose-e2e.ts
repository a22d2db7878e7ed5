import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa, type Result } from "execa";
import { create, extract } from "tar";
import { runCli } from "./cli.ts";
import { startDockerEngine, type DockerEngine } from "./docker-engine.ts";
import { buildE2eImages, type E2eImages, type E2eService } from "./e2e-images.ts";
import { freePort } from "./processes.ts";
import { repoRoot, temporaryRepo } from "./repo-fixture.ts";

/**
 * The setup-e2e action run for real: a private Docker engine, the e2e images, a copy of the
 * configuration whose published ports are free ones, bundles made by `jore4-flux bundle` from it
 * and served as releases over HTTP on 127.0.0.1, and the action's script run against them with
 * the images given as its documented inputs (`<SERVICE>_VERSION`, which the fetch step writes
 * into the bundle's .env as `<SERVICE>_DOCKER_IMAGE`). Shared by the e2e tests and the bench.
 */
export interface ComposeE2e {
  engine: DockerEngine;
  images: E2eImages;
  /** The configuration copy the bundles are made from. */
  repo: string;
  /** The host ports the copy publishes (all on 127.0.0.1). */
  ports: { auth: number; hasura: number; ui: number; testdb: number; proxy: number };
  /**
   * Makes a release named `version`: `bundle` of the configuration copy, after `values` changed
   * it (undone afterwards), then with `files` edited in the archive (a hand-edited bundle).
   */
  release(
    version: string,
    change?: { values?: (repo: string) => void; files?: Record<string, (text: string) => string> },
  ): Promise<void>;
  /** Runs setup-e2e.sh `step` with the bundle in `dir` (under the rig's folder). */
  action(dir: string, step: string, env?: Record<string, string>): Promise<ActionRun>;
  /** `docker compose down --volumes` of the bundle in `dir`. */
  down(dir: string): Promise<Result>;
  /** What is left in the engine: container, network (but the engine's own) and volume ids. */
  leftovers(): Promise<{ containers: string[]; networks: string[]; volumes: string[] }>;
  /** A GET on 127.0.0.1 (a `localhost` URL too, sent to 127.0.0.1 with its Host). */
  get(url: string): Promise<{ status: number; body: string }>;
  keepLogs(): void;
  stop(): Promise<void>;
}

export interface ActionRun {
  exitCode: number;
  stderr: string;
  seconds: number;
  /** Where the bundle is unpacked and where a failing step saves the logs. */
  dir: string;
  logsDir: string;
  /** What the step wrote to $GITHUB_OUTPUT and $GITHUB_STEP_SUMMARY. */
  output: string;
  summary: string;
}

const script = join(repoRoot, ".github/actions/setup-e2e/setup-e2e.sh");

/** The image input of each service, as a CI user passes it to the action. */
function versionInputs(images: Record<E2eService, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(images).map(([service, reference]) => [`${service.toUpperCase()}_VERSION`, reference]),
  );
}

async function listen(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; port: number }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

function get(url: string): Promise<{ status: number; body: string }> {
  const target = new URL(url);
  const host = target.host;
  if (target.hostname === "localhost") target.hostname = "127.0.0.1";
  return new Promise((resolve, reject) => {
    const sent = request(target, { headers: { host }, timeout: 10_000 }, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (body += chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
    });
    sent.on("error", reject);
    sent.on("timeout", () => sent.destroy(new Error(`GET ${url} timed out`)));
    sent.end();
  });
}

/** Rewrites a file of the configuration copy. */
export function editFile(repo: string, path: string, edit: (text: string) => string): void {
  const file = join(repo, path);
  const before = readFileSync(file, "utf8");
  const after = edit(before);
  if (after === before) throw new Error(`the edit of ${path} changed nothing`);
  writeFileSync(file, after);
}

export async function startComposeE2e(): Promise<ComposeE2e> {
  const engine = await startDockerEngine(repoRoot);
  const work = mkdtempSync(join(tmpdir(), "jore4-flux-compose-e2e-"));
  const copy = temporaryRepo();
  const servers: Server[] = [];
  const releases = new Map<string, Buffer>();
  try {
    const images = await buildE2eImages(engine, repoRoot);
    const ports = {
      auth: await freePort(),
      hasura: await freePort(),
      ui: await freePort(),
      testdb: await freePort(),
      proxy: await freePort(),
    };
    // Free ports instead of the shipped ones (another run, or anything else on the machine, may
    // hold those); the auth URLs browsers are sent to name the proxy's port, so they move with it.
    editFile(copy.dir, "values/common.yaml", (text) =>
      text
        .replace("localPort: 3200", `localPort: ${ports.auth}`)
        .replace("localPort: 3201", `localPort: ${ports.hasura}`)
        .replace("localPort: 3302", `localPort: ${ports.ui}`)
        .replace("localPort: 6432", `localPort: ${ports.testdb}`),
    );
    editFile(copy.dir, "values/e2e.yaml", (text) =>
      text
        .replace("hostPort: 3300", `hostPort: ${ports.proxy}`)
        .replaceAll("localhost:3300", `localhost:${ports.proxy}`),
    );
    const served = await listen((incoming, response) => {
      const version = /^\/releases\/download\/([^/]+)\/e2e-docker-compose\.tar\.gz$/.exec(incoming.url ?? "")?.[1];
      const archive = version ? releases.get(version) : undefined;
      if (archive) response.writeHead(200, { "content-type": "application/gzip" }).end(archive);
      else response.writeHead(404).end();
    });
    servers.push(served.server);
    const base = `http://127.0.0.1:${served.port}/releases`;

    const release: ComposeE2e["release"] = async (version, change = {}) => {
      const values = ["values/common.yaml", "values/e2e.yaml"].map(
        (path) => [path, readFileSync(join(copy.dir, path), "utf8")] as const,
      );
      const archive = join(work, `${version}.tar.gz`);
      try {
        change.values?.(copy.dir);
        const packed = await runCli(copy.dir, ["bundle", "--output", archive]);
        if (packed.exitCode !== 0) throw new Error(`bundle failed: ${packed.stderr}`);
      } finally {
        for (const [path, text] of values) writeFileSync(join(copy.dir, path), text);
      }
      if (change.files) {
        const unpacked = join(work, `${version}-edited`);
        mkdirSync(unpacked);
        await extract({ file: archive, cwd: unpacked });
        for (const [path, edit] of Object.entries(change.files)) editFile(unpacked, path, edit);
        await create({ gzip: true, file: archive, cwd: unpacked, portable: true }, ["."]);
        rmSync(unpacked, { recursive: true, force: true });
      }
      releases.set(version, readFileSync(archive));
    };

    const action: ComposeE2e["action"] = async (name, step, env = {}) => {
      const dir = join(work, name);
      const logsDir = join(work, `${name}-logs`);
      const output = join(work, `${name}-output`);
      const summary = join(work, `${name}-summary`);
      writeFileSync(output, "");
      writeFileSync(summary, "");
      // Nothing of a CI job around the tests leaks in: the step's output files are the rig's own.
      const inherited = Object.fromEntries(
        Object.entries(engine.env).filter(([key]) => !/^(GITHUB|RUNNER|E2E)_|_VERSION$/.test(key)),
      );
      const started = performance.now();
      const result = await execa("bash", [script, step], {
        reject: false,
        extendEnv: false,
        timeout: 10 * 60 * 1000,
        env: {
          ...inherited,
          E2E_DIR: dir,
          E2E_LOGS_DIR: logsDir,
          E2E_BUNDLE_BASE_URL: base,
          E2E_BUNDLE_VERSION: name,
          GITHUB_OUTPUT: output,
          GITHUB_STEP_SUMMARY: summary,
          ...versionInputs(images.images),
          ...env,
        },
      });
      return {
        exitCode: result.exitCode ?? -1,
        stderr: String(result.stderr),
        seconds: (performance.now() - started) / 1000,
        dir,
        logsDir,
        output: readFileSync(output, "utf8"),
        summary: readFileSync(summary, "utf8"),
      };
    };

    const leftovers = async () => {
      const ids = async (args: string[]) =>
        String((await engine.docker(args)).stdout)
          .split("\n")
          .filter(Boolean);
      return {
        containers: await ids(["ps", "-aq"]),
        // The engine's own networks (bridge is off: none and host) are always there.
        networks: (await ids(["network", "ls", "--format", "{{.Name}}"])).filter(
          (name) => !["none", "host"].includes(name),
        ),
        volumes: await ids(["volume", "ls", "-q"]),
      };
    };

    return {
      engine,
      images,
      repo: copy.dir,
      ports,
      release,
      action,
      down: (dir) =>
        engine.docker(["compose", "--project-directory", join(work, dir), "down", "--volumes", "--timeout", "10"], {
          timeoutSeconds: 120,
        }),
      leftovers,
      get,
      keepLogs: () => engine.keepLogs(),
      stop: async () => {
        for (const server of servers) await new Promise((resolve) => server.close(resolve));
        await engine.stop();
        copy.cleanup();
        rmSync(work, { recursive: true, force: true });
      },
    };
  } catch (error) {
    for (const server of servers) server.close();
    await engine.stop();
    copy.cleanup();
    rmSync(work, { recursive: true, force: true });
    throw error;
  }
}
