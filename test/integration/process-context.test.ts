import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { processRunner } from "../../src/process-context.ts";
import { isAlive } from "../support/processes.ts";

test("the runner's largeOutput: standard output read whole from a file that is gone afterwards, decoded as asked", async () => {
  const dir = mkdtempSync(join(tmpdir(), "jore4-flux-large-output-"));
  try {
    const run = processRunner({ ...process.env, TMPDIR: dir }, dir);
    const script = "process.stdout.write('é'.repeat(400000)); process.stderr.write('warning\\n'); process.exit(3)";
    const utf8 = await run(process.execPath, ["-e", script], { largeOutput: "utf8" });
    assert.equal(utf8.stdout, "é".repeat(400_000));
    assert.equal(utf8.exitCode, 3);
    assert.equal(utf8.failed, true);
    assert.equal(utf8.all, "warning\n", "all holds standard error only");
    const latin1 = await run(process.execPath, ["-e", "process.stdout.write('é')"], { largeOutput: "latin1" });
    assert.equal(latin1.stdout, "\u00c3\u00a9", "a character per byte");
    const missing = await run(join(dir, "no-such-program"), [], { largeOutput: "utf8" });
    assert.equal(missing.failed, true);
    assert.match(missing.message, /ENOENT/);
    assert.deepEqual(readdirSync(dir), [], "no file is left behind");
    const noTemporaryFolder = processRunner({ ...process.env, TMPDIR: join(dir, "missing") }, dir);
    const piped = await noTemporaryFolder(process.execPath, ["-e", "process.stdout.write('é')"], {
      largeOutput: "utf8",
    });
    assert.equal(piped.stdout, "é", "without a folder for the file, the output comes through a pipe");
    assert.equal(piped.all, "");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the runner's signal: the program and what it started are killed when it aborts; one that left the group does not delay the result", async () => {
  const run = processRunner(process.env, tmpdir());
  // sh starts two sleeps that inherit its standard output and error, one in a session of its own,
  // prints their ids and waits.
  const bound = 300;
  const started = Date.now();
  const result = await run("/bin/sh", ["-c", "sleep 30 & echo $!; setsid sleep 30 & echo $!; wait"], {
    signal: AbortSignal.timeout(bound),
  });
  const took = Date.now() - started;
  const [inGroup, leftGroup] = result.stdout.trim().split("\n").map(Number);
  try {
    assert.equal(result.failed, true);
    assert.match(result.message, /^Command stopped \(The operation was aborted due to timeout\): \/bin\/sh -c/);
    // The sleep in a session of its own lives on for 30 s with the pipes open: the result did not wait for it.
    assert.ok(took < 10_000, `stopped at the bound, not when the pipes closed (${took} ms)`);
    assert.ok(inGroup! > 0 && leftGroup! > 0, `the sleeps' ids: ${result.stdout}`);
    for (let waited = 0; isAlive(inGroup!) && waited < 5000; waited += 50) await sleep(50);
    assert.equal(isAlive(inGroup!), false, "the sleep in the program's group was killed with it");
  } finally {
    for (const pid of [inGroup, leftGroup]) if (pid! > 0 && isAlive(pid!)) process.kill(pid!, "SIGKILL");
  }
  const reason = new AbortController();
  reason.abort(new Error("the deadline passed"));
  const refused = await run("/bin/sh", ["-c", "touch should-not-exist"], { signal: reason.signal });
  assert.deepEqual(
    [refused.failed, refused.message],
    [true, "Command not started (the deadline passed): /bin/sh -c touch should-not-exist"],
  );
  const quick = await run("/bin/sh", ["-c", "echo done"], { signal: AbortSignal.timeout(60_000) });
  assert.deepEqual([quick.failed, quick.stdout], [false, "done\n"], "a program done in time is not touched");
});
