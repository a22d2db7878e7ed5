/**
 * Benchmark: `history` on a generated repository with 5,000 promotions over 5 stages and 20
 * services. The repository is written with `git fast-import` (real git objects, real merges);
 * the figure to watch is milliseconds per thousand first-parent commits read.
 *
 *   npm run bench:history            # 5,000 promotions
 *   npm run bench:history -- 1000    # fewer, for a quick look
 */
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { Git } from "../src/git/git.ts";
import { diskFiles } from "../src/io/source-files.ts";
import { buildHistory } from "../src/history/build.ts";
import { readHistoryInput } from "../src/history/read.ts";
import { historyHtml } from "../src/history/report-html.ts";
import { loadProjectConfig } from "../src/config/load.ts";
import { processContext } from "../src/process-context.ts";
import { serviceCount, writeHistoryRepository } from "./history-fixture.ts";

const projectRoot = fileURLToPath(new URL("..", import.meta.url));
const promotions = Number(process.argv[2] ?? 5000);

const dir = mkdtempSync(join(tmpdir(), "jore4-flux-bench-history-"));
try {
  const { config } = loadProjectConfig(diskFiles(projectRoot));
  let started = performance.now();
  const made = await writeHistoryRepository(dir, projectRoot, config, promotions);
  process.stderr.write(
    `generated ${made} promotions over ${config.stages.length} stages and ${serviceCount} services in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
  );

  const git = new Git(processContext().run, dir);
  const cpuBefore = process.cpuUsage();
  started = performance.now();
  const { input } = await readHistoryInput(git, config, undefined);
  const read = performance.now() - started;
  started = performance.now();
  const history = buildHistory(input);
  const built = performance.now() - started;
  started = performance.now();
  const html = historyHtml(history);
  const rendered = performance.now() - started;
  const commits = input.stages.reduce((sum, stage) => sum + stage.commits.length, 0);
  const total = read + built;
  const perThousand = (total / commits) * 1000;
  const cpu = process.cpuUsage(cpuBefore);
  process.stdout.write(
    [
      `history bench: ${made} promotions, ${commits} first-parent commits read over ${input.stages.length} stage branches, ${history.periods.length} image periods, ${history.events.length} events`,
      `  read from git (one log and one cat-file pass per stage): ${read.toFixed(0)} ms`,
      `  history model: ${built.toFixed(0)} ms`,
      `  HTML report (${(html.length / 1024 / 1024).toFixed(1)} MiB): ${rendered.toFixed(0)} ms`,
      `  total ${total.toFixed(0)} ms wall (node CPU ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms, load average ${loadavg()[0]!.toFixed(1)}) = ${perThousand.toFixed(0)} ms per 1,000 commits (target: well under 1,000)`,
      "",
    ].join("\n"),
  );
  if (perThousand >= 1000) process.exitCode = 1;
} finally {
  if (process.env.KEEP_BENCH_REPO) process.stderr.write(`kept ${dir}\n`);
  else rmSync(dir, { recursive: true, force: true });
}
