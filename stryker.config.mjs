// Mutation testing (StrykerJS): `npm run mutation` over the core folders, or one folder with
// `npm run mutation -- --mutate 'src/images/**'`. Not in CI (a full run takes hours on 2 cores);
// incremental: a run re-tests only mutants whose code or covering tests changed since the last
// one (reports/stryker-incremental.json, git-ignored). See the README's "Mutation testing".
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

/** The core: pure decisions and rendering (the shell around it, cli/, io/, tools/, cluster/, is tested end to end). */
const coreFolders = ["values", "render", "kube", "validate", "generate", "promotion", "status", "images", "compose"];

/**
 * Test files that need a cluster, a Docker engine, a browser, the built dist/ or the Go tools in
 * .tools/bin (the sandbox Stryker copies the project into has no .tools: it would copy the linked
 * binaries): left out of the mutation runs.
 */
const notForMutation = [
  /^test\/integration\/cluster/,
  /compose-e2e|docker-engine|e2e-standin|setup-e2e|dist-build|history-html|workflows|tool-versions|tools(-found)?\.test/,
  /check-kubeconform|check-kustomize/,
];

const root = dirname(new URL(import.meta.url).pathname);

/** The --mutate patterns given on the command line, else the core folders. */
function mutatePatterns() {
  const at = process.argv.findIndex((arg) => arg === "--mutate" || arg === "-m");
  if (at >= 0 && process.argv[at + 1]) return process.argv[at + 1].split(",");
  const inline = process.argv.find((arg) => arg.startsWith("--mutate="));
  if (inline) return inline.slice("--mutate=".length).split(",");
  return coreFolders.map((folder) => `src/${folder}/**/*.ts`);
}

/** The folder a pattern names (`src/images/**` → `src/images/`, `src/x.ts` → itself). */
const patternPrefix = (pattern) => pattern.replace(/[*{].*$/, "").replace(/:.*$/, "");

/** Relative .ts imports of a file, static and dynamic. */
function importsOf(file) {
  const text = readFileSync(file, "utf8");
  const found = [];
  for (const match of text.matchAll(/(?:from|import)\s*\(?\s*["'](\.{1,2}\/[^"']+\.ts)["']/g))
    found.push(resolve(dirname(file), match[1]));
  return found;
}

/** Whether a test file's import closure reaches a file under one of the prefixes. */
function reaches(testFile, prefixes) {
  const seen = new Set();
  const queue = [testFile];
  while (queue.length > 0) {
    const file = queue.pop();
    if (seen.has(file) || !existsSync(file)) continue;
    seen.add(file);
    const path = relative(root, file);
    if (file !== testFile && prefixes.some((prefix) => path.startsWith(prefix))) return true;
    // Not through the commands: a test of the whole CLI reaches every folder, and such tests are
    // what the per-mutant runs cannot afford (they stay the suite's job; the score is a floor).
    if (!path.startsWith("src/cli/")) queue.push(...importsOf(file));
  }
  return false;
}

const testFiles = ["test/unit", "test/integration"]
  .flatMap((dir) => readdirSync(join(root, dir)).map((name) => `${dir}/${name}`))
  .filter((path) => path.endsWith(".test.ts") && !notForMutation.some((pattern) => pattern.test(path)));

const prefixes = mutatePatterns().map(patternPrefix);

/** MUTATION_TESTS (comma-separated test files) replaces the choice: e.g. only a folder's unit tests, for a quick run. */
const chosen = process.env.MUTATION_TESTS?.split(",").filter((path) => path.length > 0);

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  mutate: coreFolders.map((folder) => `src/${folder}/**/*.ts`),
  testRunner: "tap",
  tap: {
    testFiles: chosen ?? testFiles.filter((path) => reaches(join(root, path), prefixes)),
    nodeArgs: ["--import", "tsx", "--test-reporter=tap"],
    forceBail: true,
  },
  // Each mutant runs only the test files that executed its code in the first, unmutated run.
  coverageAnalysis: "perTest",
  incremental: true,
  incrementalFile: "reports/stryker-incremental.json",
  // Two shared cores: one mutant at a time leaves the other core to everything else.
  concurrency: 1,
  timeoutMS: 60_000,
  timeoutFactor: 2,
  checkers: [],
  disableTypeChecks: "src/**/*.ts",
  ignorePatterns: ["reports", "docs", "bench", ".stryker-tmp", ".tools", "dist"],
  reporters: ["clear-text", "progress", "json"],
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  thresholds: { high: 90, low: 85, break: null },
  cleanTempDir: "always",
};
