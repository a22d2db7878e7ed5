import assert from "node:assert/strict";
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, watch, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { execa, type ResultPromise } from "execa";
import { binaryArgv, runCli, startBinary } from "../support/cli.ts";
import { repoRoot, snapshot, temporaryRepo } from "../support/repo-fixture.ts";

const stages = ["e2e", "playg", "dev", "test", "prod"];

/** A stage folder's files with their text; undefined when the folder does not exist. */
function folder(dir: string, stage: string): Record<string, string> | undefined {
  const full = join(dir, "clusters", stage);
  return existsSync(full) ? snapshot(full) : undefined;
}

function leftovers(dir: string): string[] {
  return readdirSync(join(dir, "clusters"), { recursive: true })
    .map(String)
    .filter((path) => path.split("/").some((name) => name.startsWith(".jore4-flux-")));
}

/** A run of the real CLI in its own process, that the test can kill. */
function start(dir: string, env: Record<string, string> = {}): ResultPromise {
  return startBinary(dir, ["generate"], { env });
}

/** Waits (up to a minute) until the run says it is held at `point` (or says `said`). */
async function heldAt(run: ResultPromise, point: string, said = new RegExp(`held at ${point}`)): Promise<void> {
  const deadline = Date.now() + 60_000;
  let stderr = "";
  run.stderr!.on("data", (chunk: Buffer) => (stderr += String(chunk)));
  while (!said.test(stderr)) {
    if (Date.now() > deadline) throw new Error(`the run never said ${said}: ${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("generate replaces each stage folder whole: kills, concurrent runs and file-system obstacles", () => {
  let dir: string;
  let cleanup: () => void;
  const old: Record<string, Record<string, string> | undefined> = {};
  const fresh: Record<string, Record<string, string> | undefined> = {};

  /** Every stage folder is wholly old or wholly new; a kill between the two renames leaves it moved aside, whole. */
  function assertWhole(context: string): void {
    for (const stage of stages) {
      const now = folder(dir, stage);
      if (now === undefined) {
        const aside = join(dir, "clusters", `.jore4-flux-old-${stage}`);
        assert.deepEqual(snapshot(aside), old[stage], `${context}: ${stage} moved aside, not whole`);
        continue;
      }
      assert.ok(
        isDeepEqual(now, old[stage]) || isDeepEqual(now, fresh[stage]),
        `${context}: clusters/${stage}/ is a mix of old and new files`,
      );
    }
  }
  const isDeepEqual = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

  function change(root = dir): void {
    const common = join(root, "values/common.yaml");
    writeFileSync(
      common,
      readFileSync(common, "utf8").replace(
        "OIDC_PROVIDER_BASE_URL: https://hslid-dev.t5.fi",
        "OIDC_PROVIDER_BASE_URL: https://hslid.example.com",
      ),
    );
  }

  async function assertNextRunCompletes(): Promise<void> {
    const result = await runCli(dir, ["generate"]);
    assert.equal(result.exitCode, 0, result.stderr);
    for (const stage of stages) assert.deepEqual(folder(dir, stage), fresh[stage], stage);
    assert.deepEqual(leftovers(dir), []);
  }

  function reset(): void {
    for (const stage of stages) {
      rmSync(join(dir, "clusters", stage), { recursive: true, force: true });
      for (const [path, text] of Object.entries(old[stage]!)) {
        mkdirSync(join(dir, "clusters", stage, path, ".."), { recursive: true });
        writeFileSync(join(dir, "clusters", stage, path), text);
      }
    }
    for (const name of leftovers(dir)) rmSync(join(dir, "clusters", name), { recursive: true, force: true });
  }

  before(async () => {
    ({ dir, cleanup } = temporaryRepo());
    for (const stage of stages) old[stage] = folder(dir, stage);
    // A hand-added file in a stage folder is kept in the new folder as well.
    change();
    const result = await runCli(dir, ["generate"]);
    assert.equal(result.exitCode, 0, result.stderr);
    for (const stage of stages) fresh[stage] = folder(dir, stage);
    for (const stage of stages) assert.notDeepEqual(fresh[stage], old[stage], `${stage} changes`);
    reset();
  });
  after(() => cleanup());

  for (const point of ["e2e:built", "dev:built", "dev:moved-out", "prod:moved-out"]) {
    it(`SIGKILL at ${point}: every stage folder wholly old or new; the next run cleans up and completes`, async () => {
      reset();
      const run = start(dir, { JORE4_FLUX_TEST_HOLD: point });
      await heldAt(run, point);
      run.kill("SIGKILL");
      await run;
      assertWhole(point);
      assert.ok(existsSync(join(dir, "clusters/.jore4-flux-lock")), "the killed run's lock is left");
      await assertNextRunCompletes();
    });
  }

  // Between the two renames clusters/dev/ is absent (no atomic exchange of folders: src/io/tree.ts);
  // every reader moves it back before it reads, holding the lock, and says so.
  const movedBack =
    /^moved clusters\/\.jore4-flux-old-dev\/ back to clusters\/dev\/: a generate run was stopped between its two renames$/m;
  const readers: [string[], number][] = [
    [["generate", "--check"], 1],
    [["check", "--no-kustomize"], 1],
    [["build", "dev"], 0],
  ];
  for (const [reader, exitCode] of readers)
    it(`SIGKILL between the two renames, then ${reader.join(" ")}: it moves clusters/dev/ back first, and says so`, async () => {
      reset();
      const run = start(dir, { JORE4_FLUX_TEST_HOLD: "dev:moved-out" });
      await heldAt(run, "dev:moved-out");
      run.kill("SIGKILL");
      await run;
      assert.equal(folder(dir, "dev"), undefined, "the kill left clusters/dev/ moved aside");
      const result = await runCli(dir, reader, { PATH: `${join(repoRoot, ".tools/bin")}:${process.env.PATH}` });
      assert.equal(result.exitCode, exitCode, result.stderr);
      assert.match(result.stderr, movedBack);
      assert.deepEqual(folder(dir, "dev"), old.dev);
      assertWhole(reader.join(" "));
      assert.deepEqual(leftovers(dir), [], "the lock and the aside folder are gone");
      await assertNextRunCompletes();
    });

  it("a reader that comes while a run is between its two renames waits for the run's lock", async () => {
    reset();
    const writer = start(dir, { JORE4_FLUX_TEST_HOLD: "dev:moved-out" });
    await heldAt(writer, "dev:moved-out");
    const reader = startBinary(dir, ["generate", "--check"]);
    try {
      await heldAt(reader, "", /waiting for another jore4-flux run/);
    } finally {
      writer.kill("SIGKILL");
      await writer;
    }
    const result = await reader;
    assert.equal(result.exitCode, 1, String(result.stderr));
    assert.match(String(result.stderr), movedBack);
    assert.deepEqual(folder(dir, "dev"), old.dev);
    assert.deepEqual(leftovers(dir), []);
    await assertNextRunCompletes();
  });

  it("SIGKILL at random moments inside the write window (bounded loop): never a mixed stage folder", async () => {
    // Each counted kill is proven to land inside the write window: the run's first stage folder
    // under construction was seen (clusters/.jore4-flux-new-<stage>, the window's start) before
    // the kill, and the killed run's lock is still there after it (the window's end is the lock's
    // release). A run that finished before its kill is not counted and the next delay is halved.
    let counted = 0;
    let maxDelay = 300;
    for (let attempt = 0; attempt < 20 && counted < 6; attempt += 1) {
      reset();
      const clusters = join(dir, "clusters");
      let started!: () => void;
      const writing = new Promise<void>((resolve) => (started = resolve));
      const watcher = watch(clusters, (_event, name) => {
        if (String(name).startsWith(".jore4-flux-new-")) started();
      });
      const run = start(dir);
      try {
        await Promise.race([writing, run]);
      } finally {
        watcher.close();
      }
      await new Promise((resolve) => setTimeout(resolve, Math.random() * maxDelay));
      run.kill("SIGKILL");
      const result = await run;
      assert.ok(
        result.signal === "SIGKILL" || result.exitCode === 0,
        `attempt ${attempt}: the run failed on its own: ${String(result.stderr)}`,
      );
      assertWhole(`attempt ${attempt}`);
      if (result.signal !== "SIGKILL" || !existsSync(join(clusters, ".jore4-flux-lock"))) {
        maxDelay /= 2; // it finished (or released the lock) first: outside the window
        continue;
      }
      counted += 1;
    }
    assert.equal(counted, 6, "six kills inside the write window");
    await assertNextRunCompletes();
  });

  it("a second run waits for the first; a killed holder's lock is taken over", async () => {
    reset();
    const first = start(dir, { JORE4_FLUX_TEST_HOLD: "playg:built" });
    await heldAt(first, "playg:built");
    const second = start(dir);
    let stderr = "";
    second.stderr!.on("data", (chunk: Buffer) => (stderr += String(chunk)));
    const waitDeadline = Date.now() + 30_000;
    while (!stderr.includes("waiting for another jore4-flux run") && Date.now() < waitDeadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
    assert.match(stderr, new RegExp(`waiting for another jore4-flux run \\(pid ${first.pid}\\) writing clusters/`));
    first.kill("SIGKILL");
    await first;
    const result = await second;
    assert.equal(result.exitCode, 0, String(result.stderr));
    for (const stage of stages) assert.deepEqual(folder(dir, stage), fresh[stage], stage);
    assert.deepEqual(leftovers(dir), []);
  });

  it("a second run refuses (exit 4) when the first holds the lock longer than the wait", async () => {
    reset();
    const first = start(dir, { JORE4_FLUX_TEST_HOLD: "e2e:built" });
    await heldAt(first, "e2e:built");
    try {
      const result = await runCli(dir, ["generate"]);
      assert.equal(result.exitCode, 4, result.stderr);
      assert.match(
        result.stderr,
        new RegExp(
          `^error: another jore4-flux run \\(pid ${first.pid}\\) is writing clusters/; waited 10 s for it$`,
          "m",
        ),
      );
    } finally {
      first.kill("SIGKILL");
      await first;
    }
    await assertNextRunCompletes();
  });

  it("a folder where a generated file should be: exit 3 naming it, nothing written", async () => {
    reset();
    rmSync(join(dir, "clusters/test/jore4-ui.yaml"));
    mkdirSync(join(dir, "clusters/test/jore4-ui.yaml"));
    const before = snapshot(join(dir, "clusters"));
    const result = await runCli(dir, ["generate"]);
    assert.equal(result.exitCode, 3, result.stderr);
    assert.match(
      result.stderr,
      /^error: cannot write clusters\/test\/jore4-ui\.yaml: a folder is in the way of the generated file$/m,
    );
    assert.doesNotMatch(result.stderr, /\n\s+at /);
    assert.deepEqual(snapshot(join(dir, "clusters")), before);
    assert.deepEqual(leftovers(dir), []);
    rmSync(join(dir, "clusters/test/jore4-ui.yaml"), { recursive: true });
    await assertNextRunCompletes();
  });

  it("a stage folder that cannot be written (a file in its place): exit 3; the other folders wholly old or new", async () => {
    reset();
    rmSync(join(dir, "clusters/prod"), { recursive: true });
    writeFileSync(join(dir, "clusters/prod"), "not a folder\n");
    const result = await runCli(dir, ["generate"]);
    assert.equal(result.exitCode, 3, result.stderr);
    assert.match(result.stderr, /^error: cannot write clusters\/prod\/: /m);
    assert.match(result.stderr, /clusters\/prod\/ is unchanged; already replaced: e2e, playg, dev, test/);
    assert.doesNotMatch(result.stderr, /\n\s+at /);
    assert.equal(readFileSync(join(dir, "clusters/prod"), "utf8"), "not a folder\n");
    for (const stage of stages.slice(0, 4)) assert.deepEqual(folder(dir, stage), fresh[stage], stage);
    assert.deepEqual(leftovers(dir), []);
    rmSync(join(dir, "clusters/prod"));
    await assertNextRunCompletes();
  });

  it("a stage folder this user may not write (permissions): exit 3 naming it, nothing written", async (context) => {
    const own = temporaryRepo();
    context.after(own.cleanup);
    change(own.dir);
    chmodSync(join(own.dir, "clusters/prod"), 0o555);
    const before = snapshot(join(own.dir, "clusters"));
    // Root may write anywhere: as root, the run is made as the unprivileged user 65534 (nobody),
    // who owns the repository but, like its owner here, lacks write permission on clusters/prod.
    const asRoot = process.getuid?.() === 0;
    if (asRoot) await execa("chown", ["-R", "65534:65534", own.dir]);
    const argv = binaryArgv(own.dir, ["generate"]);
    const user = asRoot ? ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] : [];
    const [command, ...args] = [...user, ...argv];
    const result = await execa(command!, args, { reject: false, stdin: "ignore", env: { HOME: own.dir } });
    assert.equal(result.exitCode, 3, result.stderr);
    assert.match(result.stderr, /^error: cannot write clusters\/prod\/: permission denied$/m);
    assert.match(result.stderr, /chmod -R u\+w clusters\/prod\); nothing was written/);
    assert.doesNotMatch(result.stderr, /\n\s+at /);
    assert.deepEqual(snapshot(join(own.dir, "clusters")), before);
    assert.deepEqual(leftovers(own.dir), []);
  });

  it("a temporary file left by a killed run is removed by the next run, not a crash", async () => {
    reset();
    writeFileSync(join(dir, "clusters/dev/.jore4-flux-4242-abc"), "half a file");
    await assertNextRunCompletes();
  });
});
