import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { ExitCode } from "../../src/errors.ts";
import { runCli } from "../support/cli.ts";
import { repoRoot } from "../support/repo-fixture.ts";

/** generate, crds build, schemas update and toc report --check alike: this checks the two not covered elsewhere. */
describe("committed generated files: one --check for schemas/ and the README's table of contents", () => {
  let scratch: string;
  before(() => {
    scratch = mkdtempSync(join(tmpdir(), "jore4-flux-committed-"));
    for (const file of ["jore4-flux.yaml", "schemas", "README.md"])
      cpSync(join(repoRoot, file), join(scratch, file), { recursive: true });
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  test("schemas update --check: clean, then missing, changed and extra files with a diff; an update restores it", async () => {
    const clean = await runCli(scratch, ["schemas", "update", "--check"]);
    assert.equal(clean.exitCode, ExitCode.ok, clean.stderr);
    assert.match(clean.stderr, /^0 files stale, \d+ unchanged$/m);
    const crd = "schemas/crds/buckets.source.toolkit.fluxcd.io.json";
    const changed = "schemas/crds/gitrepositories.source.toolkit.fluxcd.io.json";
    unlinkSync(join(scratch, crd));
    writeFileSync(join(scratch, changed), "{}\n");
    writeFileSync(join(scratch, "schemas/crds/old.example.com.json"), "{}\n");
    const stale = await runCli(scratch, ["schemas", "update", "--check"]);
    assert.equal(stale.exitCode, ExitCode.findings);
    assert.match(stale.stderr, new RegExp(`^missing: ${crd}$`, "m"));
    assert.match(stale.stderr, new RegExp(`^changed: ${changed}$`, "m"));
    assert.match(stale.stderr, /^extra: schemas\/crds\/old\.example\.com\.json$/m);
    assert.match(stale.stderr, /^3 files stale, \d+ unchanged\nerror: schemas\/ is stale$/m);
    assert.match(stale.stdout, /^--- a\/schemas\/crds\/gitrepositories\.source\.toolkit\.fluxcd\.io\.json$/m);
    const update = await runCli(scratch, ["schemas", "update"]);
    assert.equal(update.exitCode, ExitCode.ok, update.stderr);
    assert.equal(readFileSync(join(scratch, changed), "utf8"), readFileSync(join(repoRoot, changed), "utf8"));
    assert.equal((await runCli(scratch, ["schemas", "update", "--check"])).exitCode, ExitCode.ok);
  });

  test("toc --check: the same lines, the diff, exit code 1", async () => {
    const readme = join(scratch, "README.md");
    writeFileSync(readme, readFileSync(readme, "utf8").replace("- [Quick start](#quick-start)\n", ""));
    const stale = await runCli(scratch, ["toc", "--check"]);
    assert.equal(stale.exitCode, ExitCode.findings);
    assert.match(
      stale.stderr,
      /^changed: README\.md\n1 files stale, 0 unchanged\nerror: README\.md: table of contents is stale$/m,
    );
    assert.match(stale.stdout, /^\+- \[Quick start\]\(#quick-start\)$/m);
    assert.equal((await runCli(scratch, ["toc"])).exitCode, ExitCode.ok);
    assert.match((await runCli(scratch, ["toc", "--check"])).stderr, /^0 files stale, 1 unchanged$/m);
  });
});
