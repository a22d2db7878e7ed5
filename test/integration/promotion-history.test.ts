import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { Git } from "../../src/git/git.ts";
import { diskFiles } from "../../src/io/source-files.ts";
import { buildHistory } from "../../src/history/build.ts";
import type { StageCommit } from "../../src/history/input.ts";
import type { DeploymentHistory } from "../../src/history/model.ts";
import { readClaims } from "../../src/promotion/message.ts";
import { applyPromotion, planPromotion } from "../../src/promotion/promote.ts";
import { historyHtml, imageColor } from "../../src/history/report-html.ts";
import { runMain, testContext } from "../support/cli.ts";
import { repoRoot } from "../support/repo-fixture.ts";
import { toolsBinDir } from "../../src/tools/paths.ts";
import { loadProjectConfig } from "../../src/config/load.ts";
import { colourCounts, dumpDom, screenshot } from "../support/chromium.ts";
import { cloneRepo, commitImage, createStageRepo, git, runCli, type StageRepo } from "../support/stage-repo.ts";

/** Progress goes nowhere a test reads; every confirmation is answered by `yes: true`. */
const quiet = testContext();
const shippedUi = "hsldevcom/jore4-ui:fix-docker-css--72224fc7574d8fb4486b43d8abc6afcf1b7f14c6";
const uiV2 = "hsldevcom/jore4-ui:v2";
let repo: StageRepo;
const commits: Record<string, string> = {};

async function promote(from: string, to: string): Promise<string> {
  const gitRepo = new Git(quiet.run, repo.root);
  const plan = await planPromotion(gitRepo, loadProjectConfig(diskFiles(repo.root)).config, from, to, {
    fetch: true,
    context: quiet,
  });
  return (await applyPromotion(gitRepo, plan, { push: true, context: quiet, yes: true })).commit!;
}

async function history(root: string, ...args: string[]): Promise<DeploymentHistory> {
  const run = await runCli(root, "history", "--json", ...args);
  assert.equal(run.exitCode, 0, run.stderr);
  return JSON.parse(run.stdout) as DeploymentHistory;
}

before(async () => {
  repo = await createStageRepo();
  commits.dev1 = await promote("main", "dev");
  await commitImage(repo.root, "ui", uiV2);
  await git(repo.root, "push", "--quiet", "origin", "main");
  commits.dev2 = await promote("main", "dev");
  commits.test1 = await promote("dev", "test");
});

after(() => repo.cleanup());

test("history --stage/--service/--since narrow the report", async () => {
  const report = await history(repo.root, "--stage", "dev", "--service", "ui", "--no-fetch");
  assert.deepEqual(
    report.now.map((stage) => [stage.stage, stage.images]),
    [["dev", { ui: uiV2 }]],
  );
  assert.deepEqual(
    report.periods.map((period) => period.image),
    [shippedUi, uiV2],
  );
  assert.ok(
    report.events.every((event) => event.stage === "dev" && event.changes.every((change) => change.service === "ui")),
  );
  const later = await history(repo.root, "--stage", "dev", "--since", "2999-01-01", "--no-fetch");
  assert.deepEqual(
    later.periods.map((period) => period.image).sort(),
    [
      uiV2,
      "hsldevcom/jore4-auth:dockerize--bf95d6d8b7bacfd6b990b2e9d55e4f6a1554879b",
      "hsldevcom/jore4-hasura:fix-metadata--613b29c2d4c6f0ef1cf6f258ab3071b780fa23bd",
    ].sort(),
  );
  assert.deepEqual(later.events, []);
  const unknown = await runCli(repo.root, "history", "--service", "nope", "--no-fetch");
  assert.equal(unknown.exitCode, 2);
  assert.match(unknown.stderr, /no service 'nope' in the history; services: auth, hasura, ui/);
});

test("the HTML report renders in headless Chromium: a timeline bar per image, in the image's colour", async (context) => {
  const dir = mkdtempSync(join(tmpdir(), "jore4-flux-report-"));
  context.after(() => rmSync(dir, { recursive: true, force: true }));
  const html = join(dir, "history.html");
  const run = await runCli(repo.root, "history", "--no-fetch", "--html", html);
  assert.equal(run.exitCode, 0, run.stderr);
  const page = readFileSync(html, "utf8");
  assert.doesNotMatch(page, /https?:\/\/|<script|<link/, "self-contained: nothing fetched, no scripts");
  const png = await screenshot(html, process.env.KEEP_SCREENSHOT ?? join(dir, "history.png"), dir);
  assert.deepEqual([png.width, png.height], [1200, 1400]);
  const colours = colourCounts(png);
  // Each image's bar is a solid block of its colour: hundreds of pixels exactly that colour.
  for (const image of [shippedUi, uiV2])
    assert.ok(
      (colours.get(imageColor(image)) ?? 0) > 500,
      `bar colour of ${image} (${imageColor(image)}) in the screenshot`,
    );
  assert.ok((colours.get("#ffffff") ?? 0) < png.width * png.height * 0.95, "the page is not blank");
  const dom = await dumpDom(html, dir);
  const uiSection = /<section class="service" data-service="ui">([\s\S]*?)<\/section>/.exec(dom)?.[1] ?? "";
  const devRow = /<div class="row" data-stage="dev">([\s\S]*?)<\/div><\/div>/.exec(uiSection)?.[1] ?? "";
  assert.deepEqual(
    [...devRow.matchAll(/data-image="([^"]+)"/g)].map((match) => match[1]),
    [shippedUi, uiV2],
  );
});

test("the HTML report's column headers stay whole words in a narrow window", async (context) => {
  const dir = mkdtempSync(join(tmpdir(), "jore4-flux-report-"));
  context.after(() => rmSync(dir, { recursive: true, force: true }));
  const html = join(dir, "history.html");
  const run = await runCli(repo.root, "history", "--no-fetch", "--html", html);
  assert.equal(run.exitCode, 0, run.stderr);
  // The report has no scripts of its own (its CSP forbids them): a copy gets one, allowed, that
  // records after layout on how many lines each header's text lies.
  const measure = `<script>for (const th of document.querySelectorAll("th")) {
    const range = document.createRange(); range.selectNodeContents(th);
    th.dataset.lines = new Set([...range.getClientRects()].map((rect) => Math.round(rect.top))).size;
  }</script>`;
  const measured = join(dir, "measured.html");
  writeFileSync(
    measured,
    readFileSync(html, "utf8")
      .replace("style-src 'unsafe-inline'", "style-src 'unsafe-inline'; script-src 'unsafe-inline'")
      .replace("</body>", `${measure}</body>`),
  );
  const dom = await dumpDom(measured, dir, 700);
  const headers = [...dom.matchAll(/<th data-lines="(\d+)">([^<]*)<\/th>/g)].map((match) => [match[2], match[1]]);
  assert.ok(
    headers.some(([text]) => text === "image changes waiting"),
    `headers: ${JSON.stringify(headers)}`,
  );
  assert.deepEqual(
    headers.filter(([, lines]) => lines !== "1"),
    [],
    "every header on one line",
  );
});

test("a pushed promotion is dated by its push; history --live without the stage's context stays git-only and says why", async () => {
  const report = await history(repo.root, "--stage", "dev", "--no-fetch");
  const pushed = report.events.find((event) => event.commit === commits.dev2)!;
  assert.ok(pushed.pushedAt && Date.parse(pushed.pushedAt) >= Date.parse(pushed.date), JSON.stringify(pushed));
  const fresh = await cloneRepo(repo, "no-reflog-of-the-push");
  assert.equal(
    (await history(fresh, "--stage", "dev", "--no-fetch")).events.find((event) => event.commit === commits.dev2)!
      .pushedAt,
    undefined,
  );

  const dir = mkdtempSync(join(tmpdir(), "jore4-flux-kubeconfig-"));
  try {
    const kubeconfig = join(dir, "config");
    writeFileSync(kubeconfig, "apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n");
    const env = { KUBECONFIG: kubeconfig, PATH: `${toolsBinDir(repoRoot)}:${process.env.PATH}` };
    const live = await runMain(["history", "--live", "--json", "--no-fetch"], { cwd: repo.root, env });
    assert.equal(live.exitCode, 0, live.stderr);
    const marked = JSON.parse(live.stdout) as DeploymentHistory;
    assert.equal(marked.source, "git");
    assert.ok(marked.events.every((event) => event.cluster === undefined));
    const byStage = new Map(marked.live!.map((stage) => [stage.stage, stage]));
    assert.match(byStage.get("dev")!.problem!, /^the cluster could not be read: .*context.*hsl-jore4-dev-cluster/);
    assert.equal(byStage.get("e2e")!.problem, "not synced by Flux (deployed directly): no Kustomization to read");
    const text = await runMain(["history", "--live", "--stage", "dev", "--no-fetch"], { cwd: repo.root, env });
    assert.match(text.stdout, /^Read from git only/);
    assert.match(
      text.stdout,
      /Clusters read \(--live\):\n {2}dev \(context hsl-jore4-dev-cluster\): the cluster could not be read/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a force-pushed stage branch is detected: from the fetch that saw it, and from a fresh clone", async () => {
  const other = await cloneRepo(repo, "rewriter");
  await git(other, "push", "--quiet", "--force", "origin", `${commits.dev1}:refs/heads/dev`);
  const seen = await history(repo.root);
  assert.ok(
    seen.warnings.some(
      (warning) =>
        warning.stage === "dev" &&
        /origin\/dev was force-updated .* from [0-9a-f]{12} to [0-9a-f]{12}: its history was rewritten/.test(
          warning.message,
        ),
    ),
    JSON.stringify(seen.warnings),
  );
  assert.ok(
    seen.warnings.some(
      (warning) => warning.stage === "dev" && /2 commit\(s\) on dev are not pushed to origin/.test(warning.message),
    ),
  );
  const fresh = await cloneRepo(repo, "fresh");
  const report = await history(fresh);
  assert.deepEqual(
    report.warnings.map((warning) => [warning.stage, warning.commit, warning.message]),
    [
      [
        "test",
        commits.test1,
        `promoted ${commits.dev2!.slice(0, 12)} from dev, which is no longer on dev: dev was rewritten (force-pushed or rebased) after this promotion`,
      ],
    ],
  );
  const text = await runCli(fresh, "history");
  assert.match(
    text.stdout,
    /Warnings \(history that cannot be trusted as it stands\):\n {2}test [0-9a-f]{12}: promoted/,
  );
  assert.match(text.stdout, /a deployment that failed in the cluster is not in git/);
});

test("over years of history, every promotion is a visible mark and bar in headless Chromium", async (context) => {
  const dir = mkdtempSync(join(tmpdir(), "jore4-flux-report-"));
  context.after(() => rmSync(dir, { recursive: true, force: true }));
  const sha = (n: number) => n.toString(16).padStart(40, "0");
  const entry = (n: number, date: string, image: string, promoted: boolean): StageCommit => ({
    commit: sha(n),
    parents: promoted ? [sha(n - 1), sha(1000 + n)] : [sha(n - 1)],
    author: "Alice",
    email: "alice@example.invalid",
    date,
    subject: `commit ${n}`,
    // A plain `git merge --no-ff` (no trailers): its second parent makes it a promotion.
    claims: readClaims([]),
    images: { ui: `hsldevcom/jore4-ui:${image}` },
  });
  // Four years of history: a branch made by hand in 2022, a promotion in 2023, six within an hour yesterday.
  const recent = ["r1", "r2", "r3", "r4", "r5", "r6"];
  const commits = [
    entry(1, "2022-01-03T09:00:00Z", "old", false),
    entry(2, "2023-06-01T09:00:00Z", "mid", true),
    ...recent.map((image, index) =>
      entry(3 + index, `2026-11-30T10:${String(index * 10).padStart(2, "0")}:00Z`, image, true),
    ),
  ];
  const history = buildHistory({
    stages: [{ stage: "prod", branch: "prod", promotedFrom: "test", commits, waiting: undefined }],
    sourceLines: { test: [sha(1)] },
    remotes: [],
    shallow: [],
  });
  assert.deepEqual(
    history.events.map((event) => event.kind),
    ["origin", ...Array.from({ length: 7 }, () => "promotion")],
  );
  const html = join(dir, "history.html");
  writeFileSync(html, historyHtml(history));
  const colours = colourCounts(await screenshot(html, join(dir, "history.png"), dir));
  // A bar is 24 px high: at least a unit (6 px) wide means well over 100 pixels of its colour.
  for (const image of ["old", "mid", ...recent].map((tag) => `hsldevcom/jore4-ui:${tag}`))
    assert.ok(
      (colours.get(imageColor(image)) ?? 0) >= 100,
      `bar of ${image}: ${colours.get(imageColor(image)) ?? 0} px`,
    );
  assert.ok((colours.get("#2563eb") ?? 0) >= 7 * 3 * 20, "seven promotion marks, 3 x 20 px each");
  const dom = await dumpDom(html, dir);
  const row =
    /<section class="events">[\s\S]*?<div class="row" data-stage="prod">([\s\S]*?)<\/div><\/div>/.exec(dom)?.[1] ?? "";
  const lefts = [...row.matchAll(/class="mark (\w+)"[^>]*left:([0-9.]+)%/g)].map((match) => Number(match[2]));
  assert.equal(lefts.length, 8);
  assert.ok(
    lefts.every((left, index) => index === 0 || left > lefts[index - 1]!),
    `marks in order: ${lefts.join(", ")}`,
  );
  assert.match(dom, /class="gap"[^>]*>≈ 1\.4 y</, "the quiet year and a half is a break in the axis");
});
