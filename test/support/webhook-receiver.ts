import { appendFileSync } from "node:fs";
import { createServer } from "node:http";
import { eventually } from "./flux-stage.ts";

/** A Slack-compatible incoming webhook on loopback: takes POSTed JSON, answers `ok` as Slack does. */
export interface WebhookReceiver {
  /** The address to give the notification Provider. */
  url: string;
  /** Every JSON body received, oldest first. */
  received: unknown[];
  /** The first body `match` accepts, within `seconds`; fails listing what did arrive. */
  waitFor<T>(what: string, seconds: number, match: (body: T) => boolean): Promise<T>;
  close(): Promise<void>;
}

/** Starts the receiver on 127.0.0.1 (a free port); each request is logged to `log`. */
export async function startWebhookReceiver(log: string): Promise<WebhookReceiver> {
  const received: unknown[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      appendFileSync(log, `${request.method} ${request.url} ${text}\n`);
      if (request.method !== "POST" || !/json/.test(request.headers["content-type"] ?? "")) {
        response.writeHead(400).end("expected a JSON POST");
        return;
      }
      try {
        received.push(JSON.parse(text));
      } catch {
        response.writeHead(400).end("invalid JSON");
        return;
      }
      response.writeHead(200, { "content-type": "text/plain" }).end("ok");
    });
  });
  const port = await new Promise<number>((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve((server.address() as { port: number }).port)),
  );
  return {
    url: `http://127.0.0.1:${port}/services/jore4-flux-test`,
    received,
    waitFor: async <T>(what: string, seconds: number, match: (body: T) => boolean) =>
      (
        await eventually(
          what,
          seconds,
          async () => (received as T[]).find(match),
          async () =>
            `received ${received.length} message(s):\n${received.map((body) => JSON.stringify(body)).join("\n")}`,
        )
      ).value,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
