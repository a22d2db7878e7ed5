/**
 * Writes the history benchmark's repository (bench/history-fixture.ts) into a folder and keeps
 * it, to time `history` against it again and again:
 *
 *   node --import tsx bench/history-repo.ts /tmp/history-repo [promotions]
 *   cd /tmp/history-repo && /usr/bin/time node <checkout>/bin/jore4-flux.js history --no-fetch --json >/dev/null
 */
import { fileURLToPath } from "node:url";
import { diskFiles } from "../src/io/source-files.ts";
import { loadProjectConfig } from "../src/config/load.ts";
import { writeHistoryRepository } from "./history-fixture.ts";

const [dir, count] = process.argv.slice(2);
if (!dir) throw new Error("usage: bench/history-repo.ts DIR [PROMOTIONS]");
const projectRoot = fileURLToPath(new URL("..", import.meta.url));
const { config } = loadProjectConfig(diskFiles(projectRoot));
const made = await writeHistoryRepository(dir, projectRoot, config, Number(count ?? 5000));
process.stdout.write(`wrote ${made} promotions into ${dir}\n`);
