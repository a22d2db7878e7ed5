import { spawn } from "node:child_process";
import { appendFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { basename, dirname } from "node:path";
import { execa } from "execa";

/** A git server on loopback speaking git's smart HTTP protocol (clone, fetch and push), as Flux needs it. */
export interface GitServer {
  /** Serves the bare repository `bareDir` at `<url>/<name>.git` (pushes allowed) and returns that URL. */
  serve(name: string, bareDir: string): Promise<string>;
  close(): Promise<void>;
}

/** Runs `git http-backend` (a CGI program) for one request and relays its answer. */
function relay(bare: string, rest: string, request: IncomingMessage, response: ServerResponse, log: string): void {
  const [path, query = ""] = rest.split("?", 2) as [string, string?];
  const backend = spawn("git", ["http-backend"], {
    env: {
      PATH: process.env.PATH,
      GIT_PROJECT_ROOT: dirname(bare),
      GIT_HTTP_EXPORT_ALL: "1",
      PATH_INFO: `/${basename(bare)}${path}`,
      QUERY_STRING: query,
      REQUEST_METHOD: request.method ?? "GET",
      CONTENT_TYPE: request.headers["content-type"] ?? "",
      ...(request.headers["content-length"] ? { CONTENT_LENGTH: request.headers["content-length"] } : {}),
      HTTP_CONTENT_ENCODING: request.headers["content-encoding"] ?? "",
      GIT_PROTOCOL: String(request.headers["git-protocol"] ?? ""),
      REMOTE_ADDR: request.socket.remoteAddress ?? "127.0.0.1",
    },
    stdio: ["pipe", "pipe", "pipe"],
  });
  request.pipe(backend.stdin);
  let head = Buffer.alloc(0);
  let headersSent = false;
  backend.stdout.on("data", (chunk: Buffer) => {
    if (headersSent) {
      response.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const text = head.toString("latin1");
    const end = /\r?\n\r?\n/.exec(text);
    if (!end) return;
    let status = 200;
    const headers: Record<string, string> = {};
    for (const line of text.slice(0, end.index).split(/\r?\n/)) {
      const colon = line.indexOf(":");
      const [key, value] = [line.slice(0, colon).trim(), line.slice(colon + 1).trim()];
      if (key.toLowerCase() === "status") status = Number.parseInt(value, 10);
      else headers[key] = value;
    }
    response.writeHead(status, headers);
    headersSent = true;
    appendFileSync(log, `${request.method} ${request.url} ${status}\n`);
    response.write(head.subarray(Buffer.byteLength(text.slice(0, end.index + end[0].length), "latin1")));
  });
  backend.stderr.on("data", (chunk: Buffer) => appendFileSync(log, chunk));
  backend.on("close", (code) => {
    if (!headersSent) {
      appendFileSync(log, `${request.method} ${request.url} failed: git http-backend exited ${code}\n`);
      response.writeHead(500).end();
    } else response.end();
  });
}

/** Starts the server on 127.0.0.1 (a free port); each request line and git's errors go to `log`. */
export async function startGitServer(log: string): Promise<GitServer> {
  const repositories = new Map<string, string>();
  const server = createServer((request, response) => {
    const match = /^\/([^/?]+\.git)(.*)$/.exec(request.url ?? "");
    const bare = match && repositories.get(match[1]!);
    if (!match || !bare) {
      appendFileSync(log, `${request.method} ${request.url} 404\n`);
      response.writeHead(404).end("no such repository\n");
      return;
    }
    relay(bare, match[2]!, request, response, log);
  });
  const port = await new Promise<number>((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve((server.address() as { port: number }).port)),
  );
  return {
    async serve(name, bareDir) {
      await execa("git", ["config", "http.receivepack", "true"], { cwd: bareDir });
      repositories.set(`${name}.git`, bareDir);
      return `http://127.0.0.1:${port}/${name}.git`;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
