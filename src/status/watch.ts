import { setTimeout as sleep } from "node:timers/promises";
import type { StageStatus } from "./model.ts";
import { statusLine } from "./report-text.ts";

/**
 * `status --watch`: reads the stages again and again, printing each stage's line when it changes,
 * until every stage is final (in sync, failed, unreachable) or `timeoutSeconds` have passed.
 * `read` is handed the deadline: it aborts at the timeout, stopping the reads in flight, so the
 * watch ends then. A round the deadline cut short is not reported when an earlier round was read
 * whole (that one stands); cut short in the first round, a stage is reported as the read left it.
 * Returns the last statuses and whether it gave up.
 */
export async function followStatus(
  read: (deadline: AbortSignal) => Promise<StageStatus[]>,
  options: {
    timeoutSeconds: number;
    progress: (line: string) => void;
    pollSeconds?: number;
    /** Starts the timer that ends the watch; returns its cancel. Tests end it at a chosen read, not after wall time. */
    startTimer?: (expire: () => void, milliseconds: number) => () => void;
  },
): Promise<{ statuses: StageStatus[]; timedOut: boolean }> {
  const deadline = new AbortController();
  const startTimer = options.startTimer ?? wallClockTimer;
  const cancelTimer = startTimer(
    () => deadline.abort(new Error(`no answer before --timeout (${options.timeoutSeconds} s) ran out`)),
    options.timeoutSeconds * 1000,
  );
  const printed = new Map<string, string>();
  let last: StageStatus[] | undefined;
  try {
    for (;;) {
      if (deadline.signal.aborted && last) return { statuses: last, timedOut: true };
      const statuses = await read(deadline.signal);
      if (deadline.signal.aborted && last) return { statuses: last, timedOut: true };
      for (const status of statuses) {
        const line = statusLine(status);
        if (printed.get(status.stage) !== line) options.progress(line);
        printed.set(status.stage, line);
      }
      if (deadline.signal.aborted) return { statuses, timedOut: true };
      if (statuses.every((status) => status.final)) return { statuses, timedOut: false };
      last = statuses;
      // Ends early at the deadline.
      await sleep((options.pollSeconds ?? 2) * 1000, undefined, { signal: deadline.signal }).catch(() => undefined);
    }
  } finally {
    cancelTimer();
  }
}

function wallClockTimer(expire: () => void, milliseconds: number): () => void {
  const timer = setTimeout(expire, milliseconds);
  return () => clearTimeout(timer);
}
