/**
 * The CLI's speed targets (issue 11, issue 25), each measured twice in one run, in a fresh clone of
 * this repository (`git clone` of the committed HEAD, or BENCH_REF; node_modules hard-linked in as
 * `npm ci` would install it; dist/ built; `tools install` run):
 * - cold: every round starts with the store emptied (no kept answer, no code cache beyond the
 *   bundle's own, which the build makes): what CI and a pre-commit hook after an edit see;
 * - warm: a first run untimed, then rounds with its answers kept.
 * Every figure is the best wall time of N fresh processes (`BENCH_ROUNDS`, default 5), beside its
 * reference measured the same way (bare node, the built kustomize, kubeconform). The targets hold
 * on the cold figures; exits 1 when one fails.
 *
 *   npm run bench:targets
 *   BENCH_ROUNDS=3 BENCH_REF=main npm run bench:targets   (the code at another commit)
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { parseAllDocuments } from "yaml";
import { diskFiles } from "../src/io/source-files.ts";
import { locateTool } from "../src/tools/locate.ts";
import { kubeconformTemplate, writeKubeconformSchemas } from "../src/validate/kubeconform-layout.ts";
import { SchemaIndex } from "../src/validate/schema-index.ts";
import { loadStoredSchemas } from "../src/validate/schema-store.ts";
import { loadProjectConfig } from "../src/config/load.ts";
import { regenerate, shippedConfiguration, type Files } from "../test/support/check-fixtures.ts";
import { repoRoot } from "../test/support/repo-fixture.ts";
import { writeHistoryRepository } from "./history-fixture.ts";
import { largeConfiguration } from "./large-config.ts";

const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const ref = process.env.BENCH_REF ?? "HEAD";
const scratch = mkdtempSync(join(tmpdir(), "jore4-flux-bench-targets-"));
/** The store's folder for every run (JORE4_FLUX_CACHE), emptied before each cold round. */
const storeDir = join(scratch, "store");
const env = { ...process.env, NO_COLOR: "1", JORE4_FLUX_CACHE: storeDir };

/** The clone the CLI runs from: as after `git clone` and `npm ci` (which runs the build). */
const clone = join(scratch, "clone");
{
  const sha = execFileSync("git", ["rev-parse", "--verify", `${ref}^{commit}`], {
    cwd: repoRoot,
    encoding: "utf8",
  }).trim();
  const step = (file: string, args: string[], cwd = clone) => execFileSync(file, args, { cwd, env, stdio: "ignore" });
  step("git", ["clone", "--quiet", "--no-checkout", repoRoot, clone], repoRoot);
  step("git", ["checkout", "--quiet", "--detach", sha]);
  step("cp", ["-al", join(repoRoot, "node_modules"), join(clone, "node_modules")]);
  rmSync(join(clone, "node_modules", ".cache"), { recursive: true, force: true });
  step(process.execPath, ["scripts/build.mjs"]);
  step(process.execPath, ["bin/jore4-flux.js", "tools", "install"]);
  process.stderr.write(`bench:targets: clone of ${ref} (${sha.slice(0, 12)}) in ${clone}\n`);
}
const cli = join(clone, "bin", "jore4-flux.js");

/** Empties every store the CLI keeps (the code before issue 25 kept it in node_modules/.cache/jore4-flux). */
function emptyStores(): void {
  rmSync(storeDir, { recursive: true, force: true });
  rmSync(join(clone, "node_modules", ".cache", "jore4-flux"), { recursive: true, force: true });
}

type Mode = "cold" | "warm";
interface Run {
  /** Wall seconds. */
  wall: number;
  /** User + system CPU seconds of the process and its children. */
  cpu: number;
}

/**
 * One process to completion, timed by bash's `time` (wall and CPU of it and its children, in
 * milliseconds: GNU time's `%e` has 10 ms steps, too coarse for a 20 ms kustomize build).
 */
function timed(command: string, args: readonly string[], cwd: string, expectExit: readonly number[] = [0]): Run {
  const result = spawnSync("bash", ["-c", 'TIMEFORMAT="TIMED %3R %3U %3S"; time "$@"', "timed", command, ...args], {
    cwd,
    env,
    encoding: "utf8",
    maxBuffer: 1024 * 1024 * 1024,
  });
  const line = /TIMED (\S+) (\S+) (\S+)\s*$/.exec(result.stderr);
  if (!line) throw new Error(`${command} ${args.join(" ")}: no timing (${result.error?.message ?? result.stderr})`);
  if (!expectExit.includes(result.status ?? -1))
    throw new Error(`${command} ${args.join(" ")}: exit ${result.status}\n${result.stderr.slice(-2000)}`);
  return { wall: Number(line[1]), cpu: Number(line[2]) + Number(line[3]) };
}

/** The best of `rounds` runs (smallest wall time) of a sequence of processes, summed; `before` runs untimed ahead of each round. */
function best(steps: () => Run[], before: () => void = () => {}): Run {
  let min: Run | undefined;
  for (let round = 0; round < rounds; round += 1) {
    before();
    const runs = steps();
    const sum = { wall: runs.reduce((a, r) => a + r.wall, 0), cpu: runs.reduce((a, r) => a + r.cpu, 0) };
    if (!min || sum.wall < min.wall) min = sum;
  }
  return min!;
}

/** One command of the CLI: cold, each round after the stores are emptied; warm, after one untimed run. */
function jore4Flux(mode: Mode, cwd: string, args: string[], expectExit?: readonly number[]): Run {
  const run = () => timed(process.execPath, [cli, ...args], cwd, expectExit);
  if (mode === "cold") return best(() => [run()], emptyStores);
  run();
  return best(() => [run()]);
}

function writeRepository(files: Files): string {
  const dir = mkdtempSync(join(scratch, "repository-"));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

const rows: string[][] = [];
let failed = 0;
const seconds = (value: number) => `${value.toFixed(3)} s`;
const times = (ratio: number) => `${ratio.toFixed(2)}×`;

/**
 * One target, cold and warm side by side: `ratio` is figure / reference (reference / figure for
 * rates); it passes on the cold figure.
 */
function row(
  name: string,
  figures: Record<Mode, string>,
  reference: string,
  ratios: Record<Mode, number>,
  target: string,
  pass: (ratio: number) => boolean,
): void {
  const ok = pass(ratios.cold);
  if (!ok) failed += 1;
  rows.push([
    name,
    figures.cold,
    times(ratios.cold),
    figures.warm,
    times(ratios.warm),
    reference,
    target,
    ok ? "PASS" : "FAIL",
  ]);
  process.stderr.write(
    `  ${name}: cold ${figures.cold} (${times(ratios.cold)}), warm ${figures.warm} (${times(ratios.warm)}) vs ${reference}: ${ok ? "PASS" : "FAIL"}\n`,
  );
}

const both = <T>(measure: (mode: Mode) => T): Record<Mode, T> => ({ cold: measure("cold"), warm: measure("warm") });
const mapBoth = <T, U>(values: Record<Mode, T>, map: (value: T) => U): Record<Mode, U> => ({
  cold: map(values.cold),
  warm: map(values.warm),
});

const timeRow = (name: string, runs: Record<Mode, Run>, refName: string, ref: Run, most: number) =>
  row(
    name,
    mapBoth(runs, (run) => seconds(run.wall)),
    `${refName} ${seconds(ref.wall)}`,
    mapBoth(runs, (run) => run.wall / ref.wall),
    `≤ ${most}×`,
    (ratio) => ratio <= most,
  );

process.stderr.write(
  `bench:targets on ${availableParallelism()} cores, load average ${loadavg()[0]!.toFixed(1)}, best of ${rounds}\n`,
);

try {
  // Startup.
  const bareNode = best(() => [timed(process.execPath, ["-e", "0"], clone)]);
  if (process.env.NODE_EXTRA_CA_CERTS) {
    // A machine setting every node start pays (the file is parsed before any script runs) and Go tools do not.
    const spawnWithout = best(() => [
      timed("/usr/bin/env", ["-u", "NODE_EXTRA_CA_CERTS", process.execPath, "-e", "0"], clone),
    ]);
    process.stderr.write(
      `  note: NODE_EXTRA_CA_CERTS=${process.env.NODE_EXTRA_CA_CERTS} is set: node -e 0 takes ${seconds(bareNode.wall)}, ${seconds(spawnWithout.wall)} without it; every figure of jore4-flux below includes that difference\n`,
    );
  }
  timeRow(
    "--help",
    both((mode) => jore4Flux(mode, clone, ["--help"])),
    "node -e 0",
    bareNode,
    3,
  );

  // The shipped configuration: the clone's own tree (generate --check and check write nothing).
  const shipped = shippedConfiguration();
  const { config } = loadProjectConfig(diskFiles(clone));
  const stageNames = config.stages.map((stage) => stage.name);
  const kustomize = locateTool(env, clone, "kustomize").command;
  const kustomizeAll = best(() =>
    stageNames.map((stage) => timed(kustomize[0]!, [...kustomize.slice(1), "build", `clusters/${stage}`], clone)),
  );
  const kustomizeName = `kustomize build ×${stageNames.length}`;
  const generateCheck = both((mode) => jore4Flux(mode, clone, ["generate", "--check"]));
  timeRow("generate --check (shipped)", generateCheck, kustomizeName, kustomizeAll, 1.5);
  timeRow(
    "check (shipped)",
    both((mode) => jore4Flux(mode, clone, ["check"])),
    kustomizeName,
    kustomizeAll,
    2,
  );
  const [first, last] = [stageNames.find((name) => name === "dev") ?? stageNames[0]!, stageNames.at(-1)!];
  const service = Object.keys(
    (parseAllDocuments(shipped["values/common.yaml"]!)[0]!.toJS() as { services: object }).services,
  )[0]!;
  // Beside the targets: two commands that render (no kept answer of their own), against the same reference.
  timeRow(
    `diff ${first} ${last}`,
    both((mode) => jore4Flux(mode, clone, ["diff", first, last], [0, 1])),
    kustomizeName,
    kustomizeAll,
    3,
  );
  timeRow(
    "set-image --dry-run",
    both((mode) => jore4Flux(mode, clone, ["set-image", service, `hsldevcom/jore4-${service}:bench--1`, "--dry-run"])),
    kustomizeName,
    kustomizeAll,
    3,
  );

  // check at scale, against kubeconform on the same objects and schemas (objects per CPU second).
  const schemas = loadStoredSchemas();
  const objectsOf = (files: Files) =>
    Object.entries(files)
      .filter(([path]) => path.startsWith("clusters/") && !path.endsWith("/kustomization.yaml"))
      .flatMap(([, text]) => parseAllDocuments(text).map((doc) => doc.toJS() as { apiVersion: string; kind: string }));
  const scaled = new Map<number, { objects: number; generate: Record<Mode, Run>; check: Record<Mode, Run> }>();
  for (const stageCount of [10, 50, 100]) {
    const files = regenerate(largeConfiguration(stageCount, 100, shipped["jore4-flux.yaml"]!));
    const dir = writeRepository(files);
    try {
      const objects = objectsOf(files);
      const generate = both((mode) => jore4Flux(mode, dir, ["generate", "--check"]));
      const check = both((mode) => jore4Flux(mode, dir, ["check", "--no-kustomize"]));
      scaled.set(stageCount, { objects: objects.length, generate, check });
      if (stageCount !== 50) continue;
      writeKubeconformSchemas(join(dir, "kubeconform-schemas"), new SchemaIndex(schemas), objects);
      const kubeconform = locateTool(env, clone, "kubeconform").command;
      const reference = best(() => [
        timed(
          kubeconform[0]!,
          [
            ...kubeconform.slice(1),
            "-strict",
            "-summary",
            "-ignore-filename-pattern",
            "kustomization\\.yaml$",
            "-schema-location",
            kubeconformTemplate(join(dir, "kubeconform-schemas")),
            "clusters",
          ],
          dir,
        ),
      ]);
      const theirs = objects.length / reference.cpu;
      const rate = (run: Run) => objects.length / run.cpu;
      row(
        `check 50×100 (${objects.length} objects)`,
        mapBoth(check, (run) => `${Math.round(rate(run)).toLocaleString("en")} obj/s/core (${seconds(run.wall)})`),
        `kubeconform ${Math.round(theirs).toLocaleString("en")} obj/s/core (${seconds(reference.wall)}, ${(reference.cpu / reference.wall).toFixed(1)} cores)`,
        mapBoth(check, (run) => rate(run) / theirs),
        "≥ 2.5×",
        (ratio) => ratio >= 2.5,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  // history over 5,000 promotions: warm is a run while the branches stay (its reads of git kept).
  const historyDir = mkdtempSync(join(scratch, "history-"));
  await writeHistoryRepository(historyDir, clone, config, 5000);
  const history = both((mode) => jore4Flux(mode, historyDir, ["history", "--no-fetch", "--json"]));
  row(
    "history, 5,000 promotions",
    mapBoth(history, (run) => seconds(run.wall)),
    "0.5 s",
    mapBoth(history, (run) => run.wall / 0.5),
    "< 0.5 s",
    (ratio) => ratio < 1,
  );

  // Linear in stages × services: seconds per 1,000 objects at 100 stages over 10 stages.
  const perThousand = (run: Run, objects: number) => (run.wall / objects) * 1000;
  for (const what of ["generate", "check"] as const) {
    const [small, , large] = [10, 50, 100].map((count) => scaled.get(count)!);
    const growth = (mode: Mode) =>
      perThousand(large![what][mode], large!.objects) / perThousand(small![what][mode], small!.objects);
    const figures = (mode: Mode) =>
      [10, 50, 100].map((count) => `${count}: ${seconds(scaled.get(count)![what][mode].wall)}`).join(", ");
    row(
      `${what === "generate" ? "generate --check" : "check --no-kustomize"} × 100 svc`,
      both(figures),
      "10 stages per object",
      both(growth),
      "≤ 1.5× per object",
      (ratio) => ratio <= 1.5,
    );
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

const header = ["target", "cold", "ratio", "warm", "ratio", "reference", "target", ""];
const widths = header.map((title, column) => Math.max(title.length, ...rows.map((cells) => cells[column]!.length)));
const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column]!)).join("  ");
console.log(line(header));
for (const cells of rows) console.log(line(cells));
console.log(`${rows.length - failed} of ${rows.length} targets met (on the cold figures)`);
if (failed > 0) process.exitCode = 1;
