import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { execa } from "execa";
import type { Jore4FluxError } from "../../src/errors.ts";
import { goTool, goTools } from "../../src/tools/catalog.ts";
import { installTool } from "../../src/tools/install.ts";
import { locateTool } from "../../src/tools/locate.ts";
import { runCli, testContext } from "../support/cli.ts";
import { repoRoot } from "../support/repo-fixture.ts";

describe("pinned tools", () => {
  it("pins each wrapper module to the version the catalog names", () => {
    for (const tool of goTools.filter((candidate) => candidate.wrapperModule)) {
      const goMod = readFileSync(join(repoRoot, tool.wrapperModule!, "go.mod"), "utf8");
      const module = tool.goPackage.split("/cmd/")[0]!;
      assert.match(
        goMod,
        new RegExp(`require ${module.replaceAll(".", "\\.")} ${tool.version.replaceAll(".", "\\.")}\\n`),
        `${tool.name} in ${tool.wrapperModule}`,
      );
    }
  });

  it("lists every tool and where it is found, as JSON", async () => {
    const result = await runCli(repoRoot, ["tools", "list", "--json"]);
    assert.equal(result.exitCode, 0, result.stderr);
    const rows = JSON.parse(result.stdout) as { name: string; version: string; source: string | null }[];
    assert.deepEqual(
      rows.map((row) => row.name),
      goTools.map((tool) => tool.name),
    );
    assert.equal(rows.find((row) => row.name === "kustomize")!.source, "project");
  });
});

describe("installing a tool from Go modules", () => {
  const cache = mkdtempSync(join(tmpdir(), "jore4-flux-tools-cache-"));
  const roots = [mkdtempSync(join(tmpdir(), "jore4-flux-root-")), mkdtempSync(join(tmpdir(), "jore4-flux-root-"))];
  const context = testContext({ env: { JORE4_FLUX_TOOLS_CACHE: cache } });
  after(() => {
    for (const dir of [cache, ...roots]) rmSync(dir, { recursive: true, force: true });
  });

  it("builds into the cache once, links it into each repository, and reuses the build", async () => {
    const kustomize = goTool("kustomize")!;
    assert.equal(await installTool(context, roots[0]!, kustomize), "built");
    assert.match(context.stderrText(), /^building kustomize v5\.8\.1 from Go modules/m);
    const located = locateTool(context.env, roots[0]!, "kustomize");
    assert.deepEqual(located, { command: [join(roots[0]!, ".tools/bin/kustomize")], source: "project" });
    assert.match(String((await execa(located.command[0]!, ["version"])).stdout), /v5\.8\.1/);
    assert.equal(await installTool(context, roots[0]!, kustomize), "present");
    assert.equal(await installTool(context, roots[1]!, kustomize), "linked");
  });
});

describe("finding a tool", () => {
  const empty = mkdtempSync(join(tmpdir(), "jore4-flux-root-"));
  const pathDir = mkdtempSync(join(tmpdir(), "jore4-flux-path-"));
  const env = { PATH: join(pathDir, "bin") };
  after(() => {
    rmSync(empty, { recursive: true, force: true });
    rmSync(pathDir, { recursive: true, force: true });
  });

  it("falls back to `kubectl kustomize` when kustomize is nowhere", () => {
    mkdirSync(join(pathDir, "bin"));
    symlinkSync(join(repoRoot, ".tools/bin/kubectl"), join(pathDir, "bin/kubectl"));
    assert.deepEqual(locateTool(env, empty, "kustomize"), {
      command: [join(pathDir, "bin/kubectl"), "kustomize"],
      source: "fallback",
    });
  });

  it("says what is missing and how to get it", () => {
    assert.throws(
      () => locateTool(env, empty, "kubeconform"),
      (error: Jore4FluxError) =>
        error.exitCode === 3 &&
        /kubeconform is not installed/.test(error.message) &&
        error.hint === "build it from Go modules with `npx jore4-flux tools install kubeconform`",
    );
  });
});
