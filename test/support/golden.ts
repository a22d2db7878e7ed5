import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { repoRoot } from "./repo-fixture.ts";

/** Golden files of command output (help, check, status, history, promote --dry-run). */
export const outputGoldenDir = join(repoRoot, "test", "golden", "output");

/**
 * Compares `actual` with a golden file. Golden files are written by the code under test: they
 * catch a change of output (a regression, or an intended change to review), not whether the output
 * is right. `UPDATE_GOLDEN=1` (the one flag, for every golden file) rewrites them when an output
 * changes on purpose; review the diff before committing it. In CI (`CI=true`) the flag is refused,
 * so a CI run can never pass by rewriting what it compares against.
 */
export function assertGolden(
  path: string,
  actual: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): void {
  if (env.UPDATE_GOLDEN === "1") {
    if (env.CI === "true")
      assert.fail(
        `UPDATE_GOLDEN=1 in CI (CI=true): golden files are rewritten on a developer's machine only (${path})`,
      );
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  assert.ok(existsSync(path), `missing golden file ${path}: run with UPDATE_GOLDEN=1 to create it`);
  assert.equal(actual, readFileSync(path, "utf8"), `output differs from ${path} (UPDATE_GOLDEN=1 rewrites it)`);
}
