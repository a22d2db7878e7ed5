import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository this test runs in: its shipped configuration is the main fixture. */
export const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

/** What makes up a jore4-flux configuration repository (no code). */
export const configurationPaths = ["jore4-flux.yaml", "values", "manifests", "clusters", "compose"];

function filesBelow(root: string, dir: string): string[] {
  const full = join(root, dir);
  if (statSync(full, { throwIfNoEntry: false })?.isFile()) return [dir];
  if (!statSync(full, { throwIfNoEntry: false })) return [];
  return readdirSync(full, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)));
}

/** The shipped configuration as an in-memory file map, for pure tests. */
export function shippedFiles(paths: string[] = ["jore4-flux.yaml", "values", "manifests"]): Record<string, string> {
  return Object.fromEntries(
    paths
      .flatMap((path) => filesBelow(repoRoot, path))
      .map((path) => [path, readFileSync(join(repoRoot, path), "utf8")]),
  );
}

/** A temporary copy of the shipped configuration; removed by the returned cleanup. */
export function temporaryRepo(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "jore4-flux-test-"));
  for (const path of configurationPaths) cpSync(join(repoRoot, path), join(dir, path), { recursive: true });
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Every file below `dir` with its text: a snapshot to prove that nothing was written. */
export function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(
    filesBelow(dir, ".")
      .sort()
      .map((path) => [path, readFileSync(join(dir, path), "utf8")]),
  );
}
