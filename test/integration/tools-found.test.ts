import assert from "node:assert/strict";
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { execa } from "execa";
import { parseAllDocuments } from "yaml";
import { toolsBinDir } from "../../src/tools/paths.ts";
import { runCli } from "../support/cli.ts";
import { repoRoot, temporaryRepo } from "../support/repo-fixture.ts";

/**
 * A machine without the project's tools: the repository has no .tools/bin, and PATH holds only a
 * real kubectl (and the real kubeconform) — no kustomize binary.
 */
describe("tools found on PATH: the kubectl kustomize fallback runs for real, and versions are the binaries' own", () => {
  let dir: string;
  let cleanup: () => void;
  let bin: string;
  let env: Record<string, string>;
  const kubectl = join(toolsBinDir(repoRoot), "kubectl");
  before(() => {
    ({ dir, cleanup } = temporaryRepo());
    bin = mkdtempSync(join(tmpdir(), "jore4-flux-path-"));
    symlinkSync(kubectl, join(bin, "kubectl"));
    symlinkSync(join(toolsBinDir(repoRoot), "kubeconform"), join(bin, "kubeconform"));
    env = { PATH: bin };
  });
  after(() => {
    cleanup();
    rmSync(bin, { recursive: true, force: true });
  });

  it("build <stage> runs `kubectl kustomize <dir>` and prints the stage's objects", async () => {
    const result = await runCli(dir, ["build", "dev"], env);
    assert.equal(result.exitCode, 0, result.stderr);
    const kinds = parseAllDocuments(result.stdout).map((document) => (document.toJS() as { kind: string }).kind);
    assert.ok(kinds.includes("Deployment") && kinds.includes("Namespace"), kinds.join(", "));
  });

  it("check compares every stage with the fallback's build", async () => {
    const result = await runCli(dir, ["check", "--json"], env);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.deepEqual((JSON.parse(result.stdout) as { kustomized: string[] }).kustomized, [
      "e2e",
      "playg",
      "dev",
      "test",
      "prod",
    ]);
  });

  it("tools list prints the version each found binary reports, not the pinned one", async () => {
    const result = await runCli(dir, ["tools", "list", "--json"], env);
    assert.equal(result.exitCode, 0, result.stderr);
    const rows = JSON.parse(result.stdout) as { name: string; version: string; pinned: string; source: string }[];
    const row = (name: string) => rows.find((candidate) => candidate.name === name)!;
    const reported = String((await execa(kubectl, ["version", "--client"])).stdout);
    assert.deepEqual(
      [row("kustomize").source, row("kustomize").version],
      ["fallback", /Kustomize Version: (\S+)/.exec(reported)![1]],
    );
    assert.deepEqual(
      [row("kubectl").source, row("kubectl").version],
      ["path", /Client Version: (\S+)/.exec(reported)![1]],
    );
    // kubeconform built with `go install` reports no release number: shown as it reports itself.
    const own = String((await execa(join(bin, "kubeconform"), ["-v"])).stdout).trim();
    assert.deepEqual([row("kubeconform").source, row("kubeconform").version], ["path", own]);
    assert.notEqual(own, row("kubeconform").pinned);
  });
});
