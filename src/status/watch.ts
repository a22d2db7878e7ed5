import { setTimeout as sleep } from "node:timers/promises";
import { statusLine, type StageStatus } from "./model.ts";

/**
 * `status --watch`: reads the stages again and again, printing each stage's line when it changes,
 * until every stage is final (in sync, failed, unreachable) or `timeoutSeconds` have passed.
 * Returns the last statuses and whether it gave up.
 */
export async function followStatus(
  read: () => Promise<StageStatus[]>,
  options: { timeoutSeconds: number; progress: (line: string) => void; pollSeconds?: number },
): Promise<{ statuses: StageStatus[]; timedOut: boolean }> {
  const deadline = Date.now() + options.timeoutSeconds * 1000;
  const printed = new Map<string, string>();
  for (;;) {
    const statuses = await read();
    for (const status of statuses) {
      const line = statusLine(status);
      if (printed.get(status.stage) !== line) options.progress(line);
      printed.set(status.stage, line);
    }
    if (statuses.every((status) => status.final)) return { statuses, timedOut: false };
    if (Date.now() >= deadline) return { statuses, timedOut: true };
    await sleep(Math.min((options.pollSeconds ?? 2) * 1000, Math.max(0, deadline - Date.now())));
  }
}
