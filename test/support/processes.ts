import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { createServer } from "node:net";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

/** A free TCP port on loopback (the kernel's choice; closed again before it is handed out). */
export async function freePort(): Promise<number> {
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

/** Whether a process of this id exists (signal 0 asks without sending anything). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Whether a GET of `url` answers 200 (https: the components' self-signed certificates are accepted). */
export function answers(url: string): Promise<boolean> {
  const request = url.startsWith("https:") ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const sent = request(url, { method: "GET", timeout: 2000, rejectUnauthorized: false }, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    sent.on("error", () => resolve(false));
    sent.on("timeout", () => sent.destroy());
    sent.end();
  });
}

interface Running {
  name: string;
  child: ChildProcess;
  log: string;
}

/**
 * The processes of a test cluster: each one's output goes to `<logs>/<name>.log`; a readiness
 * wait is bounded and, when it fails, names the component and shows the end of its log; stop
 * sends SIGTERM, then SIGKILL after a bounded grace period, in reverse start order.
 */
export class Processes {
  private readonly running: Running[] = [];

  constructor(readonly logs: string) {}

  logFile(name: string): string {
    return join(this.logs, `${name}.log`);
  }

  start(name: string, command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): void {
    const log = this.logFile(name);
    const fd = openSync(log, "a");
    const child = spawn(command, args, { stdio: ["ignore", fd, fd], env });
    closeSync(fd);
    child.on("error", () => {});
    this.running.push({ name, child, log });
  }

  /** The last lines of a component's log. */
  tail(name: string, lines = 30): string {
    const log = this.logFile(name);
    if (!existsSync(log)) return "(no log)";
    return readFileSync(log, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  }

  /** Waits until `ready()` holds, at most `seconds`; fails naming the component that did not come up. */
  async waitUntil(name: string, seconds: number, ready: () => Promise<boolean>): Promise<void> {
    const deadline = Date.now() + seconds * 1000;
    const child = this.running.find((candidate) => candidate.name === name)?.child;
    for (;;) {
      if (child && (child.exitCode !== null || child.signalCode !== null))
        throw new Error(
          `${name} exited (${child.exitCode ?? child.signalCode}) before it came up; the end of ${this.logFile(name)}:\n${this.tail(name)}`,
        );
      if (await ready().catch(() => false)) return;
      if (Date.now() > deadline)
        throw new Error(
          `${name} did not come up within ${seconds} s; the end of ${this.logFile(name)}:\n${this.tail(name)}`,
        );
      await sleep(250);
    }
  }

  /** Stops every process, the last started first; SIGKILL after `graceSeconds`. */
  async stopAll(graceSeconds = 10): Promise<void> {
    for (const { child } of this.running.splice(0).reverse()) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceSeconds * 1000);
      await exited;
      clearTimeout(timer);
    }
  }
}
