import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { execa } from "execa";
import { parse } from "yaml";
import { toolsBinDir } from "../../src/tools/paths.ts";
import { repoRoot } from "../support/repo-fixture.ts";

const actionlint = join(toolsBinDir(repoRoot), "actionlint");
const workflowsDir = join(repoRoot, ".github/workflows");
const workflows = readdirSync(workflowsDir).filter((name) => name.endsWith(".yml"));
const actionFile = join(repoRoot, ".github/actions/setup-e2e/action.yml");

/** actionlint on a copy of .github in `dir` (it reads the local action's action.yml for `uses: ./…`). */
async function lint(dir: string) {
  const result = await execa(actionlint, ["-no-color", ...workflows.map((name) => `.github/workflows/${name}`)], {
    cwd: dir,
    reject: false,
  });
  return { exitCode: result.exitCode, output: `${result.stdout}${result.stderr}` };
}

/** A copy of .github in a git repository of its own (actionlint resolves local actions from the repository root). */
async function copyOfGithub(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "jore4-flux-workflows-"));
  cpSync(join(repoRoot, ".github"), join(dir, ".github"), { recursive: true });
  await execa("git", ["init", "-q"], { cwd: dir });
  return dir;
}

describe("the GitHub workflows and the setup-e2e action", () => {
  it("ship the pull-request checks, the image update, the auto-deploy, the bundle release, the scheduled record and the action's smoke test", () => {
    assert.deepEqual(workflows.sort(), [
      "auto-deploy.yml",
      "e2e-bundle.yml",
      "e2e-smoke.yml",
      "image-update.yml",
      "pull-request.yml",
      "record.yml",
    ]);
  });

  it("pass actionlint (the action's inputs checked where the smoke workflow uses it)", async () => {
    const result = await lint(repoRoot);
    assert.equal(result.exitCode, 0, result.output);
    assert.equal(result.output, "");
  });

  it("actionlint reports real errors in broken copies: a bad expression and an input the action lacks", async () => {
    const dir = await copyOfGithub();
    try {
      const pullRequest = join(dir, ".github/workflows/pull-request.yml");
      writeFileSync(
        pullRequest,
        readFileSync(pullRequest, "utf8").replace("runs-on: ubuntu-latest", "runs-on: ${{ matrix.os }}"),
      );
      const smoke = join(dir, ".github/workflows/e2e-smoke.yml");
      writeFileSync(
        smoke,
        readFileSync(smoke, "utf8").replace("          bundle_version: ${{", "          bundel_version: ${{"),
      );
      const result = await lint(dir);
      assert.equal(result.exitCode, 1);
      assert.match(result.output, /pull-request\.yml:\d+:\d+: property "os" is not defined/);
      assert.match(result.output, /e2e-smoke\.yml:\d+:\d+: input "bundel_version" is not defined in action/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("auto-deploy promotes main to e2e and dev with a pushed merge, and no workflow resets a branch", () => {
    const autoDeploy = parse(readFileSync(join(workflowsDir, "auto-deploy.yml"), "utf8")) as {
      jobs: { promote: { strategy: { matrix: { stage: string[] } }; steps: { run?: string }[] } };
    };
    assert.deepEqual(autoDeploy.jobs.promote.strategy.matrix.stage, ["e2e", "dev"]);
    assert.ok(
      autoDeploy.jobs.promote.steps.some((step) => step.run?.includes('jore4-flux promote main "$STAGE" --push')),
    );
    for (const name of workflows)
      assert.doesNotMatch(
        readFileSync(join(workflowsDir, name), "utf8"),
        /reset --hard|push --force(?!-with-lease)/,
        name,
      );
  });

  it("the record runs on a schedule: `record --push` of every AKS stage, each read through its own context", () => {
    const record = parse(readFileSync(join(workflowsDir, "record.yml"), "utf8")) as {
      on: { schedule: { cron: string }[] };
      jobs: { record: { steps: { run?: string }[] } };
    };
    assert.ok(record.on.schedule.length > 0);
    const runs = record.jobs.record.steps.map((step) => step.run ?? "").join("\n");
    assert.match(runs, /npx jore4-flux record playg dev test prod --push/);
    assert.match(runs, /--context "hsl-jore4-\$stage-cluster"/);
  });

  it("the image update runs `images update <service>` per service and opens one pull request each", () => {
    const text = readFileSync(join(workflowsDir, "image-update.yml"), "utf8");
    assert.match(text, /cron: "17 \* \* \* \*"/);
    assert.match(text, /npx jore4-flux images update "\$SERVICE" --json/);
    assert.match(text, /BRANCH: autoupdate\/\$\{\{ matrix\.service \}\}/);
    assert.match(text, /gh pr create --head "\$BRANCH" --base main --label autoupdate/);
  });

  it("the action takes a version input for every image of the bundle and hands each to the script", () => {
    const action = parse(readFileSync(actionFile, "utf8")) as {
      inputs: Record<string, unknown>;
      runs: { steps: { env: Record<string, string> }[] };
    };
    const compose = readFileSync(join(repoRoot, "compose/e2e/docker-compose.yml"), "utf8");
    const names = [...compose.matchAll(/\$\{([A-Z0-9_]+)_DOCKER_IMAGE:-/g)].map((match) => match[1]!).sort();
    assert.ok(names.length >= 5);
    for (const name of names) {
      const input = `${name.toLowerCase()}_version`;
      assert.ok(input in action.inputs, `action input ${input}`);
      assert.equal(action.runs.steps[0]!.env[`${name}_VERSION`], `\${{ inputs.${input} }}`);
    }
  });
});
