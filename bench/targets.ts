/**
 * The CLI's speed targets (issue 11), measured side by side in one run: every figure is the best
 * wall time of N fresh processes (`BENCH_ROUNDS`, default 5) of `node bin/jore4-flux.js …`, beside
 * its reference measured the same way in the same run (bare node, the built kustomize, kubeconform).
 * Prints figure, reference, ratio, target and PASS/FAIL per target; exits 1 when one fails.
 *
 *   npm run bench:targets
 *   BENCH_ROUNDS=3 npm run bench:targets
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { parseAllDocuments } from "yaml";
import { currentBuild } from "../bin/dist-stamp.js";
import { diskFiles } from "../src/io/source-files.ts";
import { historyRecordFile } from "../src/promotion/history-record.ts";
import { locateTool } from "../src/tools/locate.ts";
import { kubeconformTemplate, writeKubeconformSchemas } from "../src/validate/kubeconform-layout.ts";
import { SchemaIndex } from "../src/validate/schema-index.ts";
import { loadStoredSchemas } from "../src/validate/schema-store.ts";
import { loadProjectConfig } from "../src/config/load.ts";
import { regenerate, shippedConfiguration, type Files } from "../test/integration/check-fixtures.ts";
import { repoRoot } from "../test/support/repo-fixture.ts";
import { writeHistoryRepository } from "./history-fixture.ts";
import { largeConfiguration } from "./large-config.ts";

const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
/** BENCH_CLI: another checkout's bin/jore4-flux.js, e.g. the code before a change, measured the same way. */
const cli = process.env.BENCH_CLI ?? join(repoRoot, "bin", "jore4-flux.js");
const env = { ...process.env, NO_COLOR: "1" };

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

/** The best of `rounds` runs (smallest wall time) of a sequence of processes, summed. */
function best(steps: () => Run[]): Run {
  let min: Run | undefined;
  for (let round = 0; round < rounds; round += 1) {
    const runs = steps();
    const sum = { wall: runs.reduce((a, r) => a + r.wall, 0), cpu: runs.reduce((a, r) => a + r.cpu, 0) };
    if (!min || sum.wall < min.wall) min = sum;
  }
  return min!;
}

const jore4Flux = (cwd: string, args: string[], expectExit?: readonly number[]) =>
  best(() => [timed(process.execPath, [cli, ...args], cwd, expectExit)]);

function kustomizeAll(root: string, stages: readonly string[]): Run {
  const kustomize = locateTool(env, repoRoot, "kustomize").command;
  return best(() =>
    stages.map((stage) => timed(kustomize[0]!, [...kustomize.slice(1), "build", `clusters/${stage}`], root)),
  );
}

function writeRepository(files: Files): string {
  const dir = mkdtempSync(join(tmpdir(), "jore4-flux-bench-targets-"));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

const rows: string[][] = [];
let failed = 0;
const seconds = (value: number) => `${value.toFixed(3)} s`;

/** One target: `ratio` is figure / reference (or reference / figure for rates, `higher`). */
function row(name: string, figure: string, reference: string, ratio: number, target: string, pass: boolean): void {
  if (!pass) failed += 1;
  rows.push([name, figure, reference, `${ratio.toFixed(2)}×`, target, pass ? "PASS" : "FAIL"]);
  process.stderr.write(`  ${name}: ${figure} vs ${reference} = ${ratio.toFixed(2)}× (${pass ? "PASS" : "FAIL"})\n`);
}

const timeRow = (name: string, run: Run, refName: string, ref: Run, most: number) =>
  row(
    name,
    seconds(run.wall),
    `${refName} ${seconds(ref.wall)}`,
    run.wall / ref.wall,
    `≤ ${most}×`,
    run.wall <= ref.wall * most,
  );

process.stderr.write(
  `bench:targets on ${availableParallelism()} cores, load average ${loadavg()[0]!.toFixed(1)}, best of ${rounds}; ` +
    `CLI ${cli} from ${process.env.BENCH_CLI ? "BENCH_CLI" : currentBuild() ? "dist/ (current)" : "the sources through tsx (dist/ missing or stale: npm run build)"}\n`,
);

// Startup.
const bareNode = best(() => [timed(process.execPath, ["-e", "0"], repoRoot)]);
if (process.env.NODE_EXTRA_CA_CERTS) {
  // A machine setting every node start pays (the file is parsed before any script runs) and Go tools do not.
  const spawnWithout = best(() => [
    timed("/usr/bin/env", ["-u", "NODE_EXTRA_CA_CERTS", process.execPath, "-e", "0"], repoRoot),
  ]);
  process.stderr.write(
    `  note: NODE_EXTRA_CA_CERTS=${process.env.NODE_EXTRA_CA_CERTS} is set: node -e 0 takes ${seconds(bareNode.wall)}, ${seconds(spawnWithout.wall)} without it; every figure of jore4-flux below includes that difference\n`,
  );
}
timeRow("--help", jore4Flux(repoRoot, ["--help"]), "node -e 0", bareNode, 3);
timeRow("--version", jore4Flux(repoRoot, ["--version"]), "node -e 0", bareNode, 3);

// The shipped configuration: this work tree (generate --check and check write nothing).
const shipped = shippedConfiguration();
const shippedDir = repoRoot;
{
  const { config } = loadProjectConfig(diskFiles(shippedDir));
  const stageNames = config.stages.map((stage) => stage.name);
  const kustomize = kustomizeAll(shippedDir, stageNames);
  const generateCheck = jore4Flux(shippedDir, ["generate", "--check"]);
  timeRow("generate --check (shipped)", generateCheck, `kustomize build ×${stageNames.length}`, kustomize, 1);
  // As after `npm ci`: the package's cache emptied, then the build (`prepare`) run, untimed.
  const cliRoot = dirname(dirname(cli));
  const firstCheck = best(() => {
    rmSync(join(cliRoot, "node_modules", ".cache", "jore4-flux"), { recursive: true, force: true });
    spawnSync(process.execPath, [join(cliRoot, "scripts", "build.mjs")], { cwd: cliRoot, env, stdio: "ignore" });
    return [timed(process.execPath, [cli, "check"], shippedDir)];
  });
  timeRow("check, first after install (shipped)", firstCheck, `kustomize build ×${stageNames.length}`, kustomize, 2);
  timeRow(
    "check, fresh process (shipped)",
    jore4Flux(shippedDir, ["check"]),
    `kustomize build ×${stageNames.length}`,
    kustomize,
    2,
  );
  const [first, last] = [stageNames.find((name) => name === "dev") ?? stageNames[0]!, stageNames.at(-1)!];
  timeRow(
    `diff ${first} ${last}`,
    jore4Flux(shippedDir, ["diff", first, last], [0, 1]),
    "generate --check",
    generateCheck,
    2,
  );
  const service = Object.keys(
    (parseAllDocuments(shipped["values/common.yaml"]!)[0]!.toJS() as { services: object }).services,
  )[0]!;
  timeRow(
    "set-image --dry-run",
    jore4Flux(shippedDir, ["set-image", service, `hsldevcom/jore4-${service}:bench--1`, "--dry-run"]),
    "generate --check",
    generateCheck,
    2,
  );
}

// check at scale, against kubeconform on the same objects and schemas (objects per CPU second).
const schemas = loadStoredSchemas();
function objectsOf(files: Files): { apiVersion: string; kind: string }[] {
  return Object.entries(files)
    .filter(([path]) => path.startsWith("clusters/") && !path.endsWith("/kustomization.yaml"))
    .flatMap(([, text]) => parseAllDocuments(text).map((doc) => doc.toJS() as { apiVersion: string; kind: string }));
}
const scaled = new Map<number, { objects: number; generate: Run; check: Run }>();
for (const stageCount of [10, 50, 100]) {
  const files = regenerate(largeConfiguration(stageCount, 100, shipped["jore4-flux.yaml"]!));
  const dir = writeRepository(files);
  try {
    const objects = objectsOf(files);
    const generate = jore4Flux(dir, ["generate", "--check"]);
    const check = jore4Flux(dir, ["check", "--no-kustomize"]);
    scaled.set(stageCount, { objects: objects.length, generate, check });
    if (stageCount !== 50) continue;
    writeKubeconformSchemas(join(dir, "kubeconform-schemas"), new SchemaIndex(schemas), objects);
    const kubeconform = locateTool(env, repoRoot, "kubeconform").command;
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
    const ours = objects.length / check.cpu;
    const theirs = objects.length / reference.cpu;
    row(
      `check 50×100 (${objects.length} objects)`,
      `${Math.round(ours).toLocaleString("en")} obj/s/core (${seconds(check.wall)}, ${(check.cpu / check.wall).toFixed(1)} cores)`,
      `kubeconform ${Math.round(theirs).toLocaleString("en")} obj/s/core (${seconds(reference.wall)}, ${(reference.cpu / reference.wall).toFixed(1)} cores)`,
      ours / theirs,
      "≥ 2.5×",
      ours >= theirs * 2.5,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// history over 5,000 promotions.
const historyDir = mkdtempSync(join(tmpdir(), "jore4-flux-bench-targets-history-"));
try {
  const { config } = loadProjectConfig(diskFiles(repoRoot));
  await writeHistoryRepository(historyDir, repoRoot, config, 5000);
  const historyArgs = [cli, "history", "--no-fetch", "--json"];
  // history keeps its reads of git (src/promotion/history-record.ts): the first read, and a read
  // after one stage branch moved (a new commit on dev: its log, the graph and the ranges again), are
  // printed beside the target, which is a run while the branches stay.
  const firstRead = best(() => {
    rmSync(historyRecordFile(historyDir), { force: true });
    return [timed(process.execPath, historyArgs, historyDir)];
  });
  const identity = { name: "Bench", email: "bench@example.invalid" };
  const gitEnv = {
    ...env,
    GIT_AUTHOR_NAME: identity.name,
    GIT_AUTHOR_EMAIL: identity.email,
    GIT_COMMITTER_NAME: identity.name,
    GIT_COMMITTER_EMAIL: identity.email,
  };
  const git = (...args: string[]) => {
    const result = spawnSync("git", args, {
      cwd: historyDir,
      encoding: "utf8",
      env: gitEnv,
    });
    if (result.status !== 0) throw new Error(`git ${args.join(" ")}: ${result.stderr}`);
    return result.stdout.trim();
  };
  const oneMoved = best(() => {
    git("update-ref", "refs/heads/dev", git("commit-tree", "dev^{tree}", "-p", "dev", "-m", "bench: one commit more"));
    return [timed(process.execPath, historyArgs, historyDir)];
  });
  const history = jore4Flux(historyDir, ["history", "--no-fetch", "--json"]);
  const historyNote = `first read ${seconds(firstRead.wall)}, after dev moved ${seconds(oneMoved.wall)}`;
  row(
    "history, 5,000 promotions",
    seconds(history.wall),
    `0.5 s (${historyNote})`,
    history.wall / 0.5,
    "< 0.5 s",
    history.wall < 0.5,
  );
} finally {
  rmSync(historyDir, { recursive: true, force: true });
}

// Linear in stages × services: seconds per 1,000 objects at 10, 50 and 100 stages.
const perThousand = (run: Run, objects: number) => (run.wall / objects) * 1000;
for (const what of ["generate", "check"] as const) {
  const [small, , large] = [10, 50, 100].map((count) => scaled.get(count)!);
  const figures = [10, 50, 100]
    .map((count) => {
      const entry = scaled.get(count)!;
      return `${count}: ${seconds(entry[what].wall)} (${perThousand(entry[what], entry.objects).toFixed(3)} s/1k obj)`;
    })
    .join(", ");
  const growth = perThousand(large![what], large!.objects) / perThousand(small![what], small!.objects);
  row(
    `${what === "generate" ? "generate --check" : "check --no-kustomize"} × 100 svc`,
    figures,
    "10 stages per object",
    growth,
    "≤ 1.5× per object",
    growth <= 1.5,
  );
}

const widths = rows[0]!.map((_, column) => Math.max(...rows.map((cells) => cells[column]!.length)));
const header = ["target", "figure", "reference", "ratio", "target", ""];
const line = (cells: string[]) =>
  cells.map((cell, column) => cell.padEnd(Math.max(widths[column]!, header[column]!.length))).join("  ");
console.log(line(header));
for (const cells of rows) console.log(line(cells));
console.log(`${rows.length - failed} of ${rows.length} targets met`);
if (failed > 0) process.exitCode = 1;
