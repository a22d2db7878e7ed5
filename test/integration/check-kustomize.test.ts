import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Finding } from "../../src/validate/finding.ts";
import { parseAllDocuments } from "yaml";
import { kustomizeBuild } from "../../src/tools/run.ts";
import { kustomizeFolders } from "../../src/validate/kustomized.ts";
import { runCli, testContext } from "../support/cli.ts";
import { repoRoot, temporaryRepo } from "../support/repo-fixture.ts";

const stages = ["e2e", "playg", "dev", "test", "prod"];

interface Report {
  errors: number;
  kustomized: string[];
  findings: Finding[];
}

/** A copy of the shipped configuration that uses this checkout's pinned kustomize. */
function repoWithTools(): { dir: string; cleanup: () => void } {
  const repo = temporaryRepo();
  symlinkSync(join(repoRoot, ".tools"), join(repo.dir, ".tools"));
  return repo;
}

const edit = (dir: string, file: string, change: (text: string) => string) =>
  writeFileSync(join(dir, file), change(readFileSync(join(dir, file), "utf8")));

async function check(dir: string, args: string[] = [], env: Record<string, string> = {}) {
  const result = await runCli(dir, ["check", "--json", ...args], env);
  return { ...result, report: result.stdout ? (JSON.parse(result.stdout) as Report) : undefined };
}

describe("check's kustomize-build rule: the real kustomize build equals what was rendered, field by field", () => {
  let dir: string;
  let cleanup: () => void;
  before(() => ({ dir, cleanup } = repoWithTools()));
  after(() => cleanup());

  it("the shipped configuration: every stage is compared with its kustomize build, and equals it", async () => {
    const { exitCode, report, stderr } = await check(dir);
    assert.equal(exitCode, 0, stderr);
    assert.deepEqual(report!.kustomized, stages);
    assert.equal(report!.errors, 0);
    assert.ok(report!.findings.every((finding) => finding.rule !== "kustomize-build"));
  });

  it("kustomize-json returns what `kustomize build` prints, document by document and in its order, read as YAML 1.1", async () => {
    const dirs = [...stages.map((stage) => join(dir, "clusters", stage)), join(dir, "no-such-folder")];
    const built = await kustomizeFolders(testContext(), repoRoot, dirs);
    assert.deepEqual([...built.keys()], dirs);
    for (const stage of stages) {
      const folder = join(dir, "clusters", stage);
      const printed = parseAllDocuments(await kustomizeBuild(testContext(), repoRoot, folder), { version: "1.1" }).map(
        (document) => document.toJS() as unknown,
      );
      assert.ok(printed.length > 10, stage);
      assert.deepEqual(built.get(folder), { objects: printed }, stage);
    }
    assert.match(
      (built.get(join(dir, "no-such-folder")) as { error: string }).error,
      /must build at directory: not a valid directory/,
    );
  });

  it("a value kustomize reads as something else is an error naming file, object, field path and both values", async () => {
    edit(dir, "clusters/dev/jore4-auth.yaml", (text) =>
      text.replace(
        "  OIDC_PROVIDER_BASE_URL:",
        "  RELEASE_DATE: 2022-02-03\n  COUNT: 1_000\n  OIDC_PROVIDER_BASE_URL:",
      ),
    );
    const { exitCode, report } = await check(dir, ["dev"]);
    assert.equal(exitCode, 1);
    const found = report!.findings.filter((finding) => finding.rule === "kustomize-build");
    assert.deepEqual(
      found.map((finding) => [finding.file, finding.line, finding.object, finding.path, finding.message]),
      [
        [
          "clusters/dev/jore4-auth.yaml",
          17,
          "ConfigMap/hsl-jore4/jore4-auth-env",
          "data.COUNT",
          'rendered "1_000", kustomize build returns the number 1000',
        ],
        [
          "clusters/dev/jore4-auth.yaml",
          16,
          "ConfigMap/hsl-jore4/jore4-auth-env",
          "data.RELEASE_DATE",
          'rendered "2022-02-03", kustomize build returns "2022-02-03T00:00:00Z"',
        ],
      ],
    );
  });

  it("an object kustomize refuses (an id registered twice) is an error with kustomize's message", async () => {
    writeFileSync(
      join(dir, "clusters/test/copy.yaml"),
      "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: hsl-jore4\n",
    );
    edit(dir, "clusters/test/kustomization.yaml", (text) =>
      text.replace("  - namespace.yaml\n", "  - namespace.yaml\n  - copy.yaml\n"),
    );
    const { exitCode, report } = await check(dir, ["test"]);
    assert.equal(exitCode, 1);
    const found = report!.findings.filter((finding) => finding.rule === "kustomize-build");
    assert.equal(found.length, 1);
    assert.equal(found[0]!.file, "clusters/test/kustomization.yaml");
    assert.match(found[0]!.message, /^kustomize build fails: .*may not add resource with an already registered id/);
  });
});

describe("check without kustomize", () => {
  let dir: string;
  let cleanup: () => void;
  let scratch: string;
  let env: Record<string, string>;
  before(() => {
    ({ dir, cleanup } = temporaryRepo());
    scratch = mkdtempSync(join(tmpdir(), "jore4-flux-no-kustomize-"));
    // No kustomize and no kubectl anywhere: not in the repository's .tools/bin, not on PATH.
    env = { PATH: scratch };
  });
  after(() => {
    cleanup();
    rmSync(scratch, { recursive: true, force: true });
  });

  it("says so and how to install it, with exit code 3: the rule is never skipped silently", async () => {
    const result = await runCli(dir, ["check"], env);
    assert.equal(result.exitCode, 3, result.stderr);
    assert.match(result.stderr, /kustomize is not installed: .*, nor is kustomize-json/);
    assert.match(result.stderr, /npx jore4-flux tools install kustomize-json/);
    assert.match(result.stderr, /check --no-kustomize/);
    assert.equal(result.stdout, "");
  });

  it("--no-kustomize skips the rule explicitly, and says so", async () => {
    const { exitCode, report, stderr } = await check(dir, ["--no-kustomize"], env);
    assert.equal(exitCode, 0, stderr);
    assert.deepEqual(report!.kustomized, []);
    assert.match(stderr, /skipped the kustomize-build rule/);
  });
});
