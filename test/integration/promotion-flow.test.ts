import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { Git } from "../../src/git/git.ts";
import { diskFiles } from "../../src/io/source-files.ts";
import type { DeploymentHistory } from "../../src/history/model.ts";
import { finishHotfix, startHotfix } from "../../src/promotion/hotfix.ts";
import { applyPromotion, planPromotion } from "../../src/promotion/promote.ts";
import { testContext } from "../support/cli.ts";
import { rollback } from "../../src/promotion/rollback.ts";
import { loadProjectConfig } from "../../src/config/load.ts";
import { readRecord } from "../../src/evidence/notes.ts";
import { commitImage, createStageRepo, git, runCli, type StageRepo } from "../support/stage-repo.ts";

/** Progress goes nowhere a test reads; every confirmation is answered by `yes: true`. */
const quiet = testContext();
const ui = (tag: string) => `hsldevcom/jore4-ui:${tag}`;
const hasura = (tag: string) => `hsldevcom/jore4-hasura:${tag}`;

let repo: StageRepo;
let history: DeploymentHistory;
const shippedUi = ui("fix-docker-css--72224fc7574d8fb4486b43d8abc6afcf1b7f14c6");
const shippedHasura = hasura("fix-metadata--613b29c2d4c6f0ef1cf6f258ab3071b780fa23bd");
const commits: Record<string, string> = {};

async function promote(from: string, to: string): Promise<string> {
  const gitRepo = new Git(quiet.run, repo.root);
  const { config } = loadProjectConfig(diskFiles(repo.root));
  const plan = await planPromotion(gitRepo, config, from, to, { fetch: true, context: quiet });
  const result = await applyPromotion(gitRepo, plan, { push: true, context: quiet, yes: true });
  return result.commit!;
}

async function promoteToProd(): Promise<void> {
  await promote("main", "dev");
  await promote("dev", "test");
  await promote("test", "prod");
}

before(async () => {
  repo = await createStageRepo();
  const config = () => loadProjectConfig(diskFiles(repo.root)).config;
  // 1. First promotions create every stage branch.
  await promoteToProd();
  await promote("main", "e2e");
  await promote("main", "playg");
  // 2. A new ui image travels to prod.
  commits.uiV2 = await commitImage(repo.root, "ui", ui("v2"));
  await git(repo.root, "push", "--quiet", "origin", "main");
  await promoteToProd();
  // 3. A bad hasura image reaches dev, is rolled back on main, and the revert is carried to prod.
  commits.badHasura = await commitImage(repo.root, "hasura", hasura("broken"));
  await git(repo.root, "push", "--quiet", "origin", "main");
  await promote("main", "dev");
  const rolledBack = await rollback(new Git(quiet.run, repo.root), config(), commits.badHasura, {
    push: true,
    fetch: true,
    context: quiet,
    yes: true,
  });
  commits.revert = rolledBack.revert;
  assert.deepEqual(rolledBack.promotions, [
    { from: "main", to: "dev" },
    { from: "dev", to: "test" },
    { from: "test", to: "prod" },
  ]);
  await promoteToProd();
  // 4. A hotfix on prod, back-ported to main, then a normal promotion round still works.
  await startHotfix(new Git(quiet.run, repo.root), config(), "ui-crash", { fetch: true, context: quiet, yes: true });
  commits.hotfix = await commitImage(repo.root, "ui", ui("v2-hotfix1"), { message: "ui: hotfix for the crash" });
  const finished = await finishHotfix(new Git(quiet.run, repo.root), config(), undefined, {
    push: true,
    fetch: true,
    context: quiet,
    yes: true,
  });
  commits.hotfixMerge = finished.stageCommit;
  commits.backport = finished.mainCommit;
  await git(repo.root, "switch", "--quiet", "main");
  await git(repo.root, "merge", "--quiet", "--ff-only", "origin/main");
  await promoteToProd();
  const run = await runCli(repo.root, "history", "--json", "--no-fetch");
  assert.equal(run.exitCode, 0, run.stderr);
  history = JSON.parse(run.stdout) as DeploymentHistory;
});

after(() => repo?.cleanup());

test("history --json lists prod's events in the order they happened, with the image changes read from the files", () => {
  const prod = history.events
    .filter((event) => event.stage === "prod")
    .map((event) => ({
      kind: event.kind,
      from: event.from,
      changes: event.changes.map((change) => `${change.service}: ${change.from ?? "-"} -> ${change.to}`),
    }));
  assert.deepEqual(prod, [
    // test's past before prod was made from it: one line, and none of it ran on prod.
    { kind: "origin", from: "test", changes: [] },
    {
      kind: "promotion",
      from: "test",
      changes: [
        `auth: - -> hsldevcom/jore4-auth:dockerize--bf95d6d8b7bacfd6b990b2e9d55e4f6a1554879b`,
        `hasura: - -> ${shippedHasura}`,
        `ui: - -> ${shippedUi}`,
      ],
    },
    { kind: "promotion", from: "test", changes: [`ui: ${shippedUi} -> ${ui("v2")}`] },
    { kind: "promotion", from: "test", changes: [] },
    { kind: "hotfix", from: "hotfix/ui-crash", changes: [`ui: ${ui("v2")} -> ${ui("v2-hotfix1")}`] },
    { kind: "promotion", from: "test", changes: [] },
  ]);
});

test("dev's history shows the bad image and the rollback that removed it", () => {
  const hasuraOnDev = history.periods
    .filter((period) => period.stage === "dev" && period.service === "hasura")
    .map((period) => period.image);
  assert.deepEqual(hasuraOnDev, [shippedHasura, hasura("broken"), shippedHasura]);
  const devEvents = history.events.filter((event) => event.stage === "dev");
  assert.deepEqual(
    devEvents.map((event) => event.kind),
    ["origin", "promotion", "promotion", "promotion", "promotion", "promotion"],
  );
  assert.ok(devEvents.every((event) => event.from === "main"));
});

test("ui periods on prod run from one promotion to the next, and the last one is still running", () => {
  const periods = history.periods.filter((period) => period.stage === "prod" && period.service === "ui");
  assert.deepEqual(
    periods.map((period) => [period.image, period.kind]),
    [
      [shippedUi, "promotion"],
      [ui("v2"), "promotion"],
      [ui("v2-hotfix1"), "hotfix"],
    ],
  );
  assert.equal(periods[0]!.until, periods[1]!.from);
  assert.equal(periods[2]!.until, undefined);
  assert.equal(periods[1]!.by, "Alice Admin <alice.admin@example.invalid>");
  assert.equal(periods[2]!.commit, commits.hotfixMerge);
});

test("now: every stage runs the hotfixed ui image and nothing waits; no warnings", () => {
  for (const stage of history.now) {
    if (stage.stage === "e2e" || stage.stage === "playg") continue;
    assert.equal(stage.images.ui, ui("v2-hotfix1"), stage.stage);
    assert.equal(stage.images.hasura, shippedHasura, stage.stage);
    assert.deepEqual(stage.waiting, { commits: 0, changes: [] }, stage.stage);
  }
  const e2e = history.now.find((stage) => stage.stage === "e2e")!;
  assert.equal(e2e.images.ui, shippedUi);
  assert.ok(e2e.waiting!.commits > 0);
  assert.ok(e2e.waiting!.changes.some((change) => change.service === "ui" && change.to === ui("v2-hotfix1")));
  assert.deepEqual(history.warnings, []);
});

test("the hotfix was cherry-picked to main with -x, and the revert names what it rolls back", async () => {
  const backport = await git(repo.root, "log", "-1", "--format=%B", commits.backport!);
  assert.match(backport, new RegExp(`cherry picked from commit ${commits.hotfix}`));
  const revert = await git(repo.root, "log", "-1", "--format=%B", commits.revert!);
  assert.match(revert, new RegExp(`Rollback-Of: ${commits.badHasura}`));
  assert.equal(await git(repo.root, "rev-parse", "main"), await git(repo.root, "rev-parse", "origin/main"));
  assert.equal(
    await git(repo.root, "rev-parse", "--abbrev-ref", "prod@{upstream}"),
    "origin/prod",
    "a branch created by promote --push tracks its remote",
  );
});

test("hotfix finish records its merge as prod's promotion from the hotfix branch, as promote does, and pushes the record", async () => {
  const record = await readRecord(new Git(quiet.run, repo.root));
  const events = record.get(commits.hotfixMerge!)?.events.filter((event) => event.stage === "prod") ?? [];
  const promoted = events.find((event) => event.kind === "promoted");
  assert.deepEqual(
    { ...promoted?.details, by: promoted?.details?.by?.replace(/ <.*>$/, "") },
    { by: "Alice Admin", from: "hotfix/ui-crash", source: commits.hotfix, strategy: "merge", gate: "ungated" },
  );
  assert.ok(events.some((event) => event.kind === "pushed"));
  assert.match(
    await git(repo.root, "ls-remote", "origin", "refs/notes/jore4-flux"),
    /^[0-9a-f]{40}\trefs\/notes\/jore4-flux$/,
    "the record was pushed",
  );
});

test("every promotion is a commit with machine-readable trailers, even when nothing changed", async () => {
  const message = await git(repo.root, "log", "-1", "--format=%B", "prod");
  assert.match(message, /^Promote test to prod/);
  assert.match(message, /^Promoted-From: test$/m);
  assert.match(message, /^Promoted-To: prod$/m);
  assert.match(message, new RegExp(`^Source-Commit: ${await git(repo.root, "rev-parse", "prod^2")}$`, "m"));
  const uiChange = await git(
    repo.root,
    "log",
    "--format=%(trailers:key=Image-Changed,valueonly)",
    "--first-parent",
    "prod",
  );
  assert.match(uiChange, new RegExp(`ui ${shippedUi} -> ${ui("v2")}`));
});
