import assert from "node:assert/strict";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { execa } from "execa";
import { runBinary } from "../support/cli.ts";
import { temporaryRepo } from "../support/repo-fixture.ts";

const { dir: repo, cleanup } = temporaryRepo();
const cli = (...args: string[]) => runBinary(undefined, ["-C", repo, ...args]);
const git = (...args: string[]) => execa("git", ["-C", repo, ...args]);

before(async () => {
  await git("init", "-q", "-b", "main");
  await git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "--allow-empty", "-m", "empty");
  await git("add", "-A");
  await git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "shipped configuration");
});
after(cleanup);

describe("jore4-flux check and diff (CLI, real git)", () => {
  it("check: the shipped configuration exits 0 and writes nothing", async () => {
    const result = await cli("check");
    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(
      result.stdout,
      /checked 5 stages \(e2e, playg, dev, test, prod\), 88 objects: 0 errors, 0 warnings, 0 waived/,
    );
    assert.equal((await git("status", "--porcelain")).stdout, "");
  });

  it("check --json, --rules; bad usage and unreadable input exit 2", async () => {
    const json = JSON.parse((await cli("check", "prod", "--json")).stdout) as { errors: number; stages: string[] };
    assert.deepEqual([json.errors, json.stages], [0, ["prod"]]);
    const rules = (await cli("check", "--rules")).stdout;
    for (const id of [
      "schema",
      "ingress-backend",
      "no-plaintext-secrets",
      "image-pinned",
      "stage-parity",
      "generated-up-to-date",
    ])
      assert.match(rules, new RegExp(`^${id} `, "m"));
    assert.equal((await cli("check", "staging")).exitCode, 2);
    const ingress = join(repo, "clusters", "dev", "ingress.yaml");
    const text = readFileSync(ingress, "utf8");
    writeFileSync(ingress, `${text}\n  bad: [unclosed\n`);
    const broken = await cli("check", "dev");
    writeFileSync(ingress, text);
    assert.equal(broken.exitCode, 2);
    assert.match(broken.stderr, /clusters\/dev\/ingress\.yaml:\d+:\d+/);
    // A YAML file that is no Kubernetes object (it crashed the rules before): exit 2 naming file and line.
    const foreign = join(repo, "clusters", "playg", "foreign.yaml");
    writeFileSync(foreign, "foreign: 1\n");
    const notAnObject = await cli("check", "--no-kustomize");
    rmSync(foreign);
    assert.equal(notAnObject.exitCode, 2, notAnObject.stderr);
    assert.match(notAnObject.stderr, /^ {2}clusters\/playg\/foreign\.yaml:1:1 apiVersion: required field is missing/m);
    assert.match(
      notAnObject.stderr,
      /^ {2}clusters\/playg\/foreign\.yaml:1:1 metadata\.name: required field is missing/m,
    );
  });

  it("a defect rendered into prod: check exits 1 naming rule, file, object and field; diff --ref shows it", async () => {
    const prodValues = join(repo, "values", "prod.yaml");
    const shipped = readFileSync(prodValues, "utf8");
    writeFileSync(prodValues, `${shipped}  ui:\n    image: hsldevcom/jore4-ui:latest\n`);
    const imageLine = shipped.split("\n").length + 1;
    assert.equal((await cli("generate")).exitCode, 0);
    const result = await cli("check", "--json");
    assert.equal(result.exitCode, 1);
    const report = JSON.parse(result.stdout) as {
      findings: { rule: string; file: string; line: number; object: string; path: string }[];
    };
    const pinned = report.findings.find((finding) => finding.rule === "image-pinned");
    assert.deepEqual(pinned && [pinned.file, pinned.object, pinned.path], [
      "clusters/prod/jore4-ui.yaml",
      "Deployment/hsl-jore4/jore4-ui",
      "spec.template.spec.containers[0].image",
    ]);
    const drift = report.findings.find((finding) => finding.rule === "stage-parity");
    assert.deepEqual(drift && [drift.file, drift.line, drift.path], [
      "values/prod.yaml",
      imageLine,
      "services.ui.image",
    ]);

    const diff = await cli("diff", "--ref", "main", "prod", "--json");
    assert.equal(diff.exitCode, 1);
    assert.deepEqual(JSON.parse(diff.stdout), [
      {
        title: "prod: main → working tree",
        changes: [
          {
            object: "Deployment/hsl-jore4/jore4-ui",
            change: "changed",
            fields: [
              {
                path: "spec.template.spec.containers[name=jore4-ui-image].image",
                change: "changed",
                before: "hsldevcom/jore4-ui:fix-docker-css--72224fc7574d8fb4486b43d8abc6afcf1b7f14c6",
                after: "hsldevcom/jore4-ui:latest",
              },
            ],
          },
        ],
      },
    ]);
    const twice = await cli("diff", "--ref", "main", "prod", "prod", "--json");
    assert.deepEqual(JSON.parse(twice.stdout), JSON.parse(diff.stdout), "a stage named twice is compared once");
    const markdown = (await cli("diff", "--ref", "main", "--markdown")).stdout;
    assert.match(markdown, /\| prod: main → working tree \| 0 \| 0 \| 1 \|/);
    assert.match(markdown, /\| dev: main → working tree \| 0 \| 0 \| 0 \|/);
    const stages = await cli("diff", "test", "prod");
    assert.equal(stages.exitCode, 1);
    assert.match(
      stages.stdout,
      /~ Deployment\/hsl-jore4\/jore4-ui\n {4}spec\.template\.spec\.containers\[name=jore4-ui-image\]\.image: "hsldevcom/,
    );
    assert.doesNotMatch(
      stages.stdout,
      /SELF_PUBLIC_BASE_URL|keyvaultName|spec\.ref\.branch/,
      "stage-specific differences are hidden",
    );
    assert.match((await cli("diff", "test", "prod", "--all")).stdout, /keyvaultName/);
    assert.equal((await cli("diff", "--ref", "no-such-branch")).exitCode, 2);
    await git("checkout", "-q", "-b", "broken", "main");
    writeFileSync(join(repo, "values", "dev.yaml"), "ingress:\n  hots: dev.example\n");
    await git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-am", "typo");
    await git("checkout", "-q", "-f", "main");
    const broken = await cli("diff", "--ref", "broken");
    assert.equal(broken.exitCode, 2);
    assert.match(
      broken.stderr,
      /at broken: values\/dev\.yaml:2:3 ingress\.hots: unknown key 'hots' \(did you mean 'host'\?\)/,
    );
  });
});
