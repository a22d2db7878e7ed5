import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { execa } from "execa";
import type { Jore4FluxError } from "../../src/errors.ts";
import { goTool, goTools, toolModule } from "../../src/tools/catalog.ts";
import { buildBatches, installTools } from "../../src/tools/install.ts";
import { locateTool } from "../../src/tools/locate.ts";
import { cachedBinary, moduleDigest } from "../../src/tools/paths.ts";
import { runCli, testContext } from "../support/cli.ts";
import { repoRoot } from "../support/repo-fixture.ts";

describe("pinned tools", () => {
  it("pins each wrapper module to the version the catalog names", () => {
    for (const tool of goTools.filter((candidate) => candidate.wrapperModule)) {
      const goMod = readFileSync(join(repoRoot, tool.wrapperModule!, "go.mod"), "utf8");
      const module = toolModule(tool);
      assert.match(
        goMod,
        new RegExp(`require ${module.replaceAll(".", "\\.")} ${tool.version.replaceAll(".", "\\.")}\\n`),
        `${tool.name} in ${tool.wrapperModule}`,
      );
    }
  });

  it("keeps a wrapper module's build per its sources: changed code is built anew, a README change is not", () => {
    const dir = mkdtempSync(join(tmpdir(), "jore4-flux-wrapper-"));
    try {
      writeFileSync(join(dir, "go.mod"), "module example\n");
      writeFileSync(join(dir, "main.go"), "package main\n");
      const first = moduleDigest(dir);
      writeFileSync(join(dir, "README.md"), "notes\n");
      assert.equal(moduleDigest(dir), first);
      writeFileSync(join(dir, "main.go"), "package main\n\nfunc main() {}\n");
      assert.notEqual(moduleDigest(dir), first);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const wrapper = goTool("kustomize-json")!;
    assert.equal(
      cachedBinary({ JORE4_FLUX_TOOLS_CACHE: "/cache" }, wrapper),
      `/cache/kustomize-json-${wrapper.version}-${moduleDigest(join(repoRoot, wrapper.wrapperModule!))}/kustomize-json`,
    );
    assert.equal(
      cachedBinary({ JORE4_FLUX_TOOLS_CACHE: "/cache" }, goTool("kustomize")!),
      "/cache/kustomize-v5.8.1/kustomize",
    );
  });

  it("builds the tools of one wrapper module together, every other tool on its own", () => {
    const batches = buildBatches(goTools.filter((tool) => tool.forTests)).map((batch) =>
      batch.map((tool) => tool.name),
    );
    assert.deepEqual(
      batches.find((batch) => batch.includes("kube-apiserver")),
      ["kube-apiserver", "kubectl", "kube-controller-manager", "kube-scheduler"],
    );
    assert.deepEqual(
      batches.find((batch) => batch.includes("kustomize")),
      ["kustomize"],
    );
    assert.equal(batches.flat().length, goTools.filter((tool) => tool.forTests).length);
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
    const install = async (root: string) => (await installTools(context, root, [kustomize])).get("kustomize");
    assert.equal(await install(roots[0]!), "built");
    assert.match(context.stderrText(), /^building kustomize v5\.8\.1 from Go modules/m);
    const located = locateTool(context.env, roots[0]!, "kustomize");
    assert.deepEqual(located, { command: [join(roots[0]!, ".tools/bin/kustomize")], source: "project" });
    assert.match(String((await execa(located.command[0]!, ["version"])).stdout), /v5\.8\.1/);
    assert.equal(await install(roots[0]!), "present");
    assert.equal(await install(roots[1]!), "linked");
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
