import assert from "node:assert/strict";
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, it } from "node:test";
import { execa } from "execa";
import { repoRoot, temporaryRepo } from "../support/repo-fixture.ts";

describe("./development.sh, the original script kept as a thin wrapper", () => {
  let repo: ReturnType<typeof temporaryRepo>;
  beforeEach(() => {
    repo = temporaryRepo();
    for (const path of ["development.sh", "bin", "src", "package.json", "node_modules", "README.md"])
      cpSync(join(repoRoot, path), join(repo.dir, path), { recursive: true, verbatimSymlinks: true });
  });
  afterEach(() => repo.cleanup());
  const run = (...args: string[]) =>
    execa("bash", [join(repo.dir, "development.sh"), ...args], { reject: false, cwd: "/" });

  it("generate renders the stages", async () => {
    const values = join(repo.dir, "values/common.yaml");
    writeFileSync(
      values,
      readFileSync(values, "utf8").replace(
        'HASURA_GRAPHQL_MIGRATIONS_SERVER_TIMEOUT: "60"',
        'HASURA_GRAPHQL_MIGRATIONS_SERVER_TIMEOUT: "90"',
      ),
    );
    assert.equal((await run("generate", "--check")).exitCode, 1);
    const result = await run("generate");
    assert.equal(result.exitCode, 0, String(result.stderr));
    assert.match(
      readFileSync(join(repo.dir, "clusters/dev/jore4-hasura.yaml"), "utf8"),
      /HASURA_GRAPHQL_MIGRATIONS_SERVER_TIMEOUT: "90"/,
    );
  });

  it("toc refreshes the README", async () => {
    const readme = join(repo.dir, "README.md");
    writeFileSync(readme, readFileSync(readme, "utf8").replace("- [Quick start](#quick-start)\n", ""));
    assert.equal((await run("toc", "--check")).exitCode, 1);
    assert.equal((await run("toc")).exitCode, 0);
    assert.match(readFileSync(readme, "utf8"), /- \[Quick start\]\(#quick-start\)\n/);
  });

  it("help lists the commands, and an unknown command exits 2", async () => {
    assert.match(String((await run("help")).stdout), /generate \[--check\]/);
    assert.equal((await run("frobnicate")).exitCode, 2);
  });
});
