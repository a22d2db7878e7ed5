import assert from "node:assert/strict";
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { execa } from "execa";
import { parseAllDocuments } from "yaml";
import { onPath } from "../../src/tools/locate.ts";
import { goTool } from "../../src/tools/catalog.ts";
import { cachedBinary, toolsBinDir } from "../../src/tools/paths.ts";
import { runCli } from "../support/cli.ts";
import { repoRoot, temporaryRepo } from "../support/repo-fixture.ts";

/**
 * A machine without the project's tools: the repository has no .tools/bin, and PATH holds only a
 * real kubectl (and the real kubeconform, and git) — no kustomize binary. Every command that
 * builds a stage builds it with `kubectl kustomize`.
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
    symlinkSync(onPath(process.env, "git")!, join(bin, "git"));
    // crds build downloads Go modules.
    symlinkSync(onPath(process.env, "go")!, join(bin, "go"));
    cpSync(join(repoRoot, "crds"), join(dir, "crds"), { recursive: true });
    // No kubeconfig: the dry runs below contact no cluster.
    env = { PATH: bin, KUBECONFIG: join(bin, "no-kubeconfig") };
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

  for (const args of [
    ["deploy", "cluster", "e2e"],
    ["kind", "deploy"],
  ])
    it(`${args.join(" ")} --dry-run builds the stage with \`kubectl kustomize <dir>\` and prints its apply`, async () => {
      const result = await runCli(dir, [...args, "--dry-run", "--context", "kind-jore4-local-cluster"], env);
      assert.equal(result.exitCode, 0, result.stderr);
      const [header, command, ...objects] = result.stdout.split("\n");
      assert.match(header!, /^# 1\. apply \d+ objects of stage e2e$/);
      assert.equal(
        command,
        "kubectl --context kind-jore4-local-cluster apply --server-side --field-manager=jore4-flux -f - <<'EOF'",
      );
      const kinds = parseAllDocuments(objects.join("\n").replace(/^EOF[\s\S]*/m, "")).map(
        (document) => (document.toJS() as { kind: string }).kind,
      );
      assert.ok(kinds.includes("Deployment") && kinds.includes("Namespace"), kinds.join(", "));
    });

  it("a stage kustomize cannot build: the fallback's own complaint, naming the folder, exit 3", async () => {
    const broken = join(dir, "clusters", "broken");
    cpSync(join(dir, "clusters", "e2e"), broken, { recursive: true });
    writeFileSync(join(broken, "kustomization.yaml"), "resources: [missing.yaml]\n");
    try {
      const result = await runCli(
        dir,
        [
          "deploy",
          "cluster",
          "e2e",
          "--dry-run",
          "--cluster",
          "clusters/broken",
          "--context",
          "kind-jore4-local-cluster",
        ],
        env,
      );
      assert.equal(result.exitCode, 3, result.stderr);
      assert.match(
        result.stderr,
        /^error: kustomize build clusters\/broken \(\S+\/kubectl kustomize clusters\/broken\) failed:$/m,
      );
      assert.match(result.stderr, /missing\.yaml/);
      assert.doesNotMatch(result.stderr, /specify one path/);
    } finally {
      rmSync(broken, { recursive: true, force: true });
    }
  });

  it("crds build builds the Flux installation with the fallback: the committed crds/ are what the pins produce", async () => {
    const result = await runCli(dir, ["crds", "build", "--check"], env);
    assert.equal(result.exitCode, 0, result.stdout + result.stderr);
    assert.match(result.stderr, /^0 files stale, 3 unchanged$/m);
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

  it("tools list shows a tool built in the tools cache but not linked here as built, not as missing", async () => {
    const cache = mkdtempSync(join(tmpdir(), "jore4-flux-tools-cache-"));
    try {
      const reader = goTool("kustomize-json")!;
      const cachedEnv = { ...env, JORE4_FLUX_TOOLS_CACHE: cache };
      const built = cachedBinary(cachedEnv, reader);
      mkdirSync(dirname(built), { recursive: true });
      // The real build, as `tools install` left it in the cache of another checkout.
      symlinkSync(cachedBinary(process.env, reader), built);
      const json = await runCli(dir, ["tools", "list", "--json"], cachedEnv);
      assert.equal(json.exitCode, 0, json.stderr);
      const rows = JSON.parse(json.stdout) as {
        name: string;
        found: string | null;
        source: string | null;
        cached: string | null;
      }[];
      const row = (name: string) => rows.find((candidate) => candidate.name === name)!;
      assert.deepEqual(row("kustomize-json"), { ...row("kustomize-json"), found: null, source: null, cached: built });
      assert.deepEqual([row("helm").found, row("helm").cached], [null, null]);
      const text = await runCli(dir, ["tools", "list"], cachedEnv);
      assert.equal(text.exitCode, 0, text.stderr);
      assert.match(
        text.stdout,
        new RegExp(
          `^kustomize-json +${reader.version} +built, not linked: ${built} \\(run \`npx jore4-flux tools install kustomize-json\` to link it\\)$`,
          "m",
        ),
      );
      assert.match(text.stdout, /^helm +\S+ +missing: run `npx jore4-flux tools install helm`$/m);
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  });
});
