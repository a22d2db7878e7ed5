import { createHash, createPrivateKey, randomBytes, sign, type KeyObject } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, request as httpRequest, type Server } from "node:http";
import { createServer as createNetServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa, type ResultPromise } from "execa";
import { toolsBinDir } from "../../src/tools/paths.ts";
import { repoRoot } from "./repo-fixture.ts";

/**
 * A real image registry for the tests: distribution's `registry` (built by `tools install`) on
 * 127.0.0.1 with token authentication on, and a small token server beside it that signs JWTs
 * with a key whose self-signed certificate the registry trusts (the `x5c` header chain).
 *
 * The token server gives anyone pull and push, except: repositories below `private/` need the
 * basic credentials `reader:secret`, and `denied/` repositories are always refused.
 *
 * `hostile` is a second address of the same registry, an HTTP server on 127.0.0.1 that passes
 * every request through to it unless a test has set another answer for the path: what a broken
 * or hostile registry answers (garbage bodies, invalid tag names, Link headers that loop).
 */
export interface TestRegistry {
  /** `127.0.0.1:<port>`, the registry part of image names. */
  host: string;
  hostile: HostileFront;
  pushImage(repository: string, tag: string, image: PushedImage): Promise<Descriptor>;
  pushIndex(repository: string, tag: string, images: readonly PushedImage[]): Promise<Descriptor>;
  /** Tags the same manifest many times (for the tag-list pagination). */
  tagMany(repository: string, descriptor: Descriptor, tags: readonly string[]): Promise<void>;
  /** Requests the token server has answered, e.g. to prove the bearer flow was used. */
  tokenRequests: string[];
  stop(): Promise<void>;
}

/** An answer the hostile front gives instead of the registry's: a response, or the registry's answer for another path. */
export type HostileAnswer =
  { status?: number; headers?: Record<string, string>; body: string | Buffer } | { forwardTo: string };

export interface HostileFront {
  /** `127.0.0.1:<port>`: image names with it are read through the front. */
  host: string;
  /** Answers requests for `path` (without the query) with `answer`, computed per request, until `reset`. */
  answer(path: string, answer: (url: URL) => HostileAnswer): void;
  reset(): void;
  /** The paths (with their queries) requested since the last reset. */
  requests: string[];
}

export interface PushedImage {
  created?: string;
  architecture?: string;
  os?: string;
  /** OCI media types instead of Docker's. */
  oci?: boolean;
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { architecture: string; os: string };
}

export const registryCredentials = { username: "reader", password: "secret" };
const service = "jore4-flux-test-registry";
const issuer = "jore4-flux-test-issuer";

const base64url = (data: Buffer | string) => Buffer.from(data).toString("base64url");
const sha256 = (data: Buffer) => `sha256:${createHash("sha256").update(data).digest("hex")}`;

async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function signedToken(key: KeyObject, certificateDer: string, subject: string, access: unknown[]): string {
  const now = Math.floor(Date.now() / 1000);
  const header = { alg: "ES256", typ: "JWT", x5c: [certificateDer] };
  const claims = {
    iss: issuer,
    sub: subject,
    aud: service,
    exp: now + 300,
    nbf: now - 10,
    iat: now,
    jti: randomBytes(8).toString("hex"),
    access,
  };
  const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  const signature = sign("sha256", Buffer.from(input), { key, dsaEncoding: "ieee-p1363" });
  return `${input}.${base64url(signature)}`;
}

/** `repository:<name>:<actions>` scopes → the access claim, or undefined when refused. */
function grantedAccess(scopes: readonly string[], authorization: string | undefined): unknown[] | undefined {
  const basic = authorization?.startsWith("Basic ")
    ? Buffer.from(authorization.slice(6), "base64").toString()
    : undefined;
  const access = [];
  for (const scope of scopes) {
    const [type, name, actions] = scope.split(":");
    if (type !== "repository" || !name || !actions) continue;
    if (name.startsWith("denied/")) return undefined;
    if (name.startsWith("private/") && basic !== `${registryCredentials.username}:${registryCredentials.password}`)
      return undefined;
    access.push({ type, name, actions: actions.split(",") });
  }
  return access;
}

async function until(ready: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await ready().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what} did not come up within ${timeoutMs} ms`);
}

export async function startTestRegistry(): Promise<TestRegistry> {
  const dir = mkdtempSync(join(tmpdir(), "jore4-flux-registry-"));
  await execa("openssl", [
    "req",
    "-x509",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:prime256v1",
    "-nodes",
    "-keyout",
    join(dir, "token.key"),
    "-out",
    join(dir, "token.crt"),
    "-days",
    "2",
    "-subj",
    "/CN=jore4-flux test token issuer",
  ]);
  const key = createPrivateKey(readFileSync(join(dir, "token.key")));
  const certificateDer = readFileSync(join(dir, "token.crt"), "utf8")
    .split("\n")
    .filter((line) => line && !line.startsWith("-----"))
    .join("");

  const tokenRequests: string[] = [];
  const tokenServer: Server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    tokenRequests.push(url.search);
    const access = grantedAccess(url.searchParams.getAll("scope"), request.headers.authorization);
    if (url.pathname !== "/token" || url.searchParams.get("service") !== service || !access) {
      response.writeHead(401, { "content-type": "application/json" });
      response.end(JSON.stringify({ errors: [{ code: "UNAUTHORIZED", message: "access denied" }] }));
      return;
    }
    const token = signedToken(key, certificateDer, "test", access);
    response.writeHead(200, { "content-type": "application/json" });
    response.end(JSON.stringify({ token, access_token: token, expires_in: 300 }));
  });
  await new Promise<void>((resolve) => tokenServer.listen(0, "127.0.0.1", resolve));
  const tokenPort = (tokenServer.address() as AddressInfo).port;

  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const config = [
    "version: 0.1",
    "log: {level: warn, accesslog: {disabled: true}}",
    `storage: {filesystem: {rootdirectory: ${join(dir, "storage")}}, delete: {enabled: true}}`,
    `http: {addr: "${host}", secret: ${randomBytes(16).toString("hex")}}`,
    "auth:",
    "  token:",
    `    realm: http://127.0.0.1:${tokenPort}/token`,
    `    service: ${service}`,
    `    issuer: ${issuer}`,
    `    rootcertbundle: ${join(dir, "token.crt")}`,
  ].join("\n");
  writeFileSync(join(dir, "config.yml"), `${config}\n`);
  const registry: ResultPromise = execa(join(toolsBinDir(repoRoot), "registry"), ["serve", join(dir, "config.yml")], {
    reject: false,
    all: true,
    env: { OTEL_TRACES_EXPORTER: "none" },
  });
  let exited = false;
  void registry.then(() => (exited = true));
  await until(async () => {
    if (exited) throw new Error("the registry exited");
    return (await fetch(`http://${host}/v2/`)).status === 401;
  }, `the registry on ${host}`).catch(async (error: Error) => {
    registry.kill();
    throw new Error(`${error.message}\n${(await registry).all}`);
  });

  const hostile = await startHostileFront(host);

  const tokens = new Map<string, string>();
  async function authorization(repository: string): Promise<string> {
    if (!tokens.has(repository)) {
      const scope = `repository:${repository}:pull,push`;
      const basic = Buffer.from(`${registryCredentials.username}:${registryCredentials.password}`).toString("base64");
      const response = await fetch(`http://127.0.0.1:${tokenPort}/token?service=${service}&scope=${scope}`, {
        headers: { authorization: `Basic ${basic}` },
      });
      tokens.set(repository, ((await response.json()) as { token: string }).token);
    }
    return `Bearer ${tokens.get(repository)}`;
  }

  async function registryRequest(repository: string, path: string, init: RequestInit): Promise<Response> {
    const url = path.startsWith("http") ? path : `http://${host}/v2/${repository}${path}`;
    const response = await fetch(url, {
      ...init,
      headers: { ...(init.headers as Record<string, string>), authorization: await authorization(repository) },
    });
    if (response.status >= 300) throw new Error(`${init.method} ${url}: ${response.status} ${await response.text()}`);
    return response;
  }

  async function pushBlob(repository: string, data: Buffer): Promise<string> {
    const digest = sha256(data);
    const started = await registryRequest(repository, "/blobs/uploads/", { method: "POST" });
    const location = new URL(started.headers.get("location")!, `http://${host}`);
    location.searchParams.set("digest", digest);
    await registryRequest(repository, location.toString(), {
      method: "PUT",
      body: new Uint8Array(data),
      headers: { "content-type": "application/octet-stream" },
    });
    return digest;
  }

  async function putManifest(repository: string, tag: string, mediaType: string, body: Buffer): Promise<Descriptor> {
    await registryRequest(repository, `/manifests/${tag}`, {
      method: "PUT",
      body: new Uint8Array(body),
      headers: { "content-type": mediaType },
    });
    return { mediaType, digest: sha256(body), size: body.length };
  }

  /** Pushes an image's layer, config and manifest, tagged or (for an index entry) by digest only. */
  async function pushManifestOf(repository: string, tag: string | undefined, image: PushedImage): Promise<Descriptor> {
    const layer = randomBytes(64);
    const layerDigest = await pushBlob(repository, layer);
    const platform = { architecture: image.architecture ?? "amd64", os: image.os ?? "linux" };
    const config = Buffer.from(
      JSON.stringify({
        ...platform,
        ...(image.created ? { created: image.created } : {}),
        config: {},
        rootfs: { type: "layers", diff_ids: [sha256(layer)] },
      }),
    );
    const configDigest = await pushBlob(repository, config);
    const types = image.oci
      ? {
          manifest: "application/vnd.oci.image.manifest.v1+json",
          config: "application/vnd.oci.image.config.v1+json",
          layer: "application/vnd.oci.image.layer.v1.tar",
        }
      : {
          manifest: "application/vnd.docker.distribution.manifest.v2+json",
          config: "application/vnd.docker.container.image.v1+json",
          layer: "application/vnd.docker.image.rootfs.diff.tar.gzip",
        };
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: types.manifest,
        config: { mediaType: types.config, digest: configDigest, size: config.length },
        layers: [{ mediaType: types.layer, digest: layerDigest, size: layer.length }],
      }),
    );
    return { ...(await putManifest(repository, tag ?? sha256(manifest), types.manifest, manifest)), platform };
  }

  return {
    host,
    hostile,
    tokenRequests,
    pushImage: pushManifestOf,
    async pushIndex(repository, tag, images) {
      const manifests = [];
      for (const image of images) manifests.push(await pushManifestOf(repository, undefined, { ...image, oci: true }));
      const mediaType = "application/vnd.oci.image.index.v1+json";
      const body = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType, manifests }));
      return putManifest(repository, tag, mediaType, body);
    },
    async tagMany(repository, descriptor, tags) {
      const manifest = await registryRequest(repository, `/manifests/${descriptor.digest}`, {
        method: "GET",
        headers: { accept: descriptor.mediaType },
      });
      const body = Buffer.from(await manifest.arrayBuffer());
      for (const tag of tags) await putManifest(repository, tag, descriptor.mediaType, body);
    },
    async stop() {
      await hostile.stop();
      registry.kill();
      await registry;
      await new Promise((resolve) => tokenServer.close(resolve));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The hostile front of the registry at `upstream` (see `TestRegistry.hostile`). */
async function startHostileFront(upstream: string): Promise<HostileFront & { stop(): Promise<void> }> {
  const answers = new Map<string, (url: URL) => HostileAnswer>();
  const requests: string[] = [];
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    requests.push(`${url.pathname}${url.search}`);
    const answer = answers.get(url.pathname)?.(url);
    if (answer && "body" in answer) {
      response.writeHead(answer.status ?? 200, answer.headers ?? { "content-type": "application/json" });
      response.end(answer.body);
      return;
    }
    const path = answer ? answer.forwardTo : `${url.pathname}${url.search}`;
    const forwarded = httpRequest(
      `http://${upstream}${path}`,
      { method: request.method, headers: { ...request.headers, host: upstream } },
      (upstreamResponse) => {
        response.writeHead(upstreamResponse.statusCode ?? 502, upstreamResponse.headers);
        upstreamResponse.pipe(response);
      },
    );
    forwarded.on("error", () => response.destroy());
    request.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    answer: (path, answer) => answers.set(path, answer),
    reset() {
      answers.clear();
      requests.length = 0;
    },
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
