/**
 * The compose e2e's timings (`npm run bench:compose`, part of `npm run bench`): the private
 * Docker engine's start; the e2e images ready, warm (the cached root file system imported and
 * the five images built on it) and cold (the debootstrap that made that root file system, as
 * recorded when it was made, plus the same import and builds; `BENCH_COLD=1` makes one now, in
 * an empty images cache, and times it); the setup-e2e action's `up` (`docker compose up -d
 * --wait`) until every service is healthy, its health wait, and `docker compose down`. Best of
 * `BENCH_ROUNDS` (default 3) for up, wait and down, each round on a fresh bundle folder.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startComposeE2e } from "../test/support/compose-e2e.ts";

const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const cold = process.env.BENCH_COLD === "1";
const scratch = cold ? mkdtempSync(join(tmpdir(), "jore4-flux-images-cold-")) : undefined;
if (scratch) process.env.JORE4_FLUX_IMAGES_CACHE = scratch;

const seconds = (value: number) => `${value.toFixed(1).padStart(7)} s`;
const line = (label: string, value: string) => console.log(`${label.padEnd(80)}${value}`);

const rig = await startComposeE2e();
try {
  const { timings, rootfs } = rig.images;
  const perRun = timings.importSeconds + timings.buildSeconds;
  console.log("compose e2e (a private Docker engine, the e2e images, the setup-e2e action)");
  line(`docker engine ready (${rig.engine.storageDriver})`, seconds(rig.engine.startSeconds));
  line(
    `images ready, warm (import ${timings.importSeconds.toFixed(1)} s + 5 builds ${timings.buildSeconds.toFixed(1)} s)`,
    seconds(timings.totalSeconds),
  );
  if (timings.rootfsCached)
    line(
      `images ready, cold (debootstrap ${rootfs.buildSeconds.toFixed(0)} s as recorded ${rootfs.builtAt.slice(0, 10)}, + import + builds)`,
      seconds(rootfs.buildSeconds + perRun),
    );
  else line("images ready, cold (debootstrap measured now + import + builds)", seconds(timings.totalSeconds));
  line(
    `root file system (${(rootfs.bytes / 1e6).toFixed(0)} MB)`,
    Object.entries(rootfs.packages)
      .map(([name, version]) => `${name} ${version}`)
      .join(", "),
  );
  await rig.release("bench");
  const best = { up: Infinity, wait: Infinity, down: Infinity };
  for (let round = 0; round < rounds; round++) {
    const dir = `bench-${round}`;
    const fetched = await rig.action(dir, "fetch", { E2E_BUNDLE_VERSION: "bench" });
    if (fetched.exitCode !== 0) throw new Error(`fetch failed: ${fetched.stderr}`);
    const up = await rig.action(dir, "up", { E2E_BUNDLE_VERSION: "bench", E2E_TIMEOUT: "300" });
    if (up.exitCode !== 0) throw new Error(`up failed: ${up.stderr}`);
    const wait = await rig.action(dir, "wait", { E2E_BUNDLE_VERSION: "bench", E2E_TIMEOUT: "120" });
    if (wait.exitCode !== 0) throw new Error(`wait failed: ${wait.stderr}`);
    const started = performance.now();
    await rig.down(dir);
    const down = (performance.now() - started) / 1000;
    best.up = Math.min(best.up, up.seconds);
    best.wait = Math.min(best.wait, wait.seconds);
    best.down = Math.min(best.down, down);
  }
  line(`up: docker compose up -d --wait, to every service healthy (best of ${rounds})`, seconds(best.up));
  line(`wait: every health check, directly and through the proxy (best of ${rounds})`, seconds(best.wait));
  line(`down: docker compose down --volumes (best of ${rounds})`, seconds(best.down));
} finally {
  await rig.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
}
