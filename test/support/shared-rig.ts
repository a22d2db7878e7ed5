import { after, afterEach, before } from "node:test";

/** What a test file starts once and shares: the test cluster, the compose e2e rig. */
export interface Rig {
  /** Keeps the components' logs (and prints their folder) after a failed test. */
  keepLogs(): void;
  stop(): Promise<void>;
}

/**
 * Starts the rig before the file's tests, keeps its logs after each failed one, stops it at the
 * end; the returned getter is the rig, and fails the test that asks when `what` did not start.
 * Call it once at the top level of a test file.
 */
export function sharedRig<R extends Rig>(what: string, start: () => Promise<R>): () => R {
  let rig: R | undefined;
  before(async () => {
    rig = await start();
  });
  afterEach((context) => {
    if ("passed" in context && !context.passed) rig?.keepLogs();
  });
  after(async () => {
    await rig?.stop();
  });
  return () => {
    if (!rig) throw new Error(`${what} did not start`);
    return rig;
  };
}
