import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, copyFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { repoRoot } from "../support/repo-fixture.ts";

/**
 * `npm run deps`: the import-graph rules (.dependency-cruiser.cjs) run on a scratch tree laid out
 * like this one, with one arrow of each forbidden kind, name each; a tree that keeps them passes.
 */
function cruise(files: Record<string, string>): { status: number | null; out: string } {
  const dir = mkdtempSync(join(tmpdir(), "jore4-flux-deps-"));
  try {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    copyFileSync(join(repoRoot, ".dependency-cruiser.cjs"), join(dir, ".dependency-cruiser.cjs"));
    copyFileSync(join(repoRoot, "tsconfig.json"), join(dir, "tsconfig.json"));
    symlinkSync(join(repoRoot, "node_modules"), join(dir, "node_modules"));
    const depcruise = join(repoRoot, "node_modules", ".bin", "depcruise");
    const run = spawnSync(depcruise, ["src", "bench", "--config", ".dependency-cruiser.cjs"], {
      cwd: dir,
      encoding: "utf8",
      timeout: 120_000,
    });
    return { status: run.status, out: run.stdout + run.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("npm run deps names a cycle and every kind of upward arrow, and passes a tree without them", () => {
  const clean = {
    "src/errors.ts": "export const e = 1;\n",
    "src/io/tree.ts": 'import { e } from "../errors.ts";\nexport const t = e;\n',
    "src/values/load.ts": 'import { t } from "../io/tree.ts";\nexport const v = t;\n',
    "src/cli/main.ts": 'import { v } from "../values/load.ts";\nexport const m = v;\n',
    "bench/run.ts": 'import { m } from "../src/cli/main.ts";\nexport const b = m;\n',
  };
  const passing = cruise(clean);
  assert.equal(passing.status, 0, passing.out);
  const failing = cruise({
    ...clean,
    "src/io/tree.ts": 'import { v } from "../values/load.ts";\nexport const t = v;\n',
    "src/values/shell.ts": 'import { m } from "../cli/main.ts";\nexport const s = m;\n',
    "src/values/outside.ts": 'import { b } from "../../bench/run.ts";\nexport const o = b;\n',
    "bench/test.ts": 'import { x } from "../test/unit/x.test.ts";\nexport const y = x;\n',
    "test/unit/x.test.ts": "export const x = 1;\n",
  });
  assert.notEqual(failing.status, 0);
  for (const rule of ["no-cycle", "io-at-the-bottom", "domain-not-upward", "src-not-outside", "bench-not-tests"])
    assert.match(failing.out, new RegExp(`error ${rule}:`), rule);
});
