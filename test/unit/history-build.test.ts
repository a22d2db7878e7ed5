import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { buildHistory } from "../../src/history/build.ts";
import { filterHistory } from "../../src/history/filter.ts";
import type { StageCommit, StageLog } from "../../src/history/input.ts";
import { parseTrailerLines, readClaims } from "../../src/promotion/message.ts";
import { historyHtml, imageColor } from "../../src/history/report-html.ts";
import { historyText } from "../../src/history/report-text.ts";
import { assertGolden, outputGoldenDir } from "../support/golden.ts";

const sha = (n: number) => n.toString(16).padStart(4, "0").padEnd(40, "0");
const short = (n: number) => sha(n).slice(0, 12);
let clock = Date.parse("2026-01-01T00:00:00Z");

function commit(n: number, images: Record<string, string>, trailers = "", parents = [sha(n - 1)]): StageCommit {
  clock += 3_600_000;
  return {
    commit: sha(n),
    parents,
    author: "Alice",
    email: "alice@example.invalid",
    date: new Date(clock).toISOString(),
    subject: `commit ${n}`,
    claims: readClaims(parseTrailerLines(trailers)),
    images,
  };
}

const promotion = (from: string, to: string, source: number, target?: number, changes: string[] = []) =>
  [
    `Promoted-From: ${from}`,
    `Promoted-To: ${to}`,
    `Source-Commit: ${sha(source)}`,
    ...(target ? [`Target-Commit: ${sha(target)}`] : []),
    ...changes.map((change) => `Image-Changed: ${change}`),
  ].join("\n");

function scenario() {
  const main = [commit(1, { ui: "ui:1" }), commit(2, { ui: "ui:2" })];
  const dev: StageLog = {
    stage: "dev",
    branch: "dev",
    promotedFrom: "main",
    commits: [
      main[0]!,
      commit(10, { ui: "ui:1" }, promotion("main", "dev", 1, undefined, ["ui (none) -> ui:1"]), [sha(1)]),
      commit(11, { ui: "ui:2" }, promotion("main", "dev", 2, 10, ["ui ui:1 -> ui:2"]), [sha(10), sha(2)]),
    ],
    waiting: { images: { ui: "ui:2" }, commits: 0 },
  };
  const test: StageLog = {
    stage: "test",
    branch: "test",
    promotedFrom: "dev",
    commits: [
      ...dev.commits.slice(0, 2),
      commit(20, { ui: "ui:1" }, promotion("dev", "test", 10, undefined, ["ui (none) -> ui:1"]), [sha(10)]),
    ],
    waiting: { images: { ui: "ui:2" }, commits: 1 },
  };
  return { main, dev, test };
}

const commitsOf = (entries: readonly { commit: string }[]) => entries.map((entry) => entry.commit);

/** The scenario's logs and the history built from them, with the source branches' lines `sourceLines` gives. */
function scenarioHistory(sourceLines: (logs: ReturnType<typeof scenario>) => Record<string, string[]>) {
  const logs = scenario();
  const history = buildHistory({
    stages: [logs.dev, logs.test],
    sourceLines: sourceLines(logs),
    remotes: [],
    shallow: [],
  });
  return { ...logs, history };
}

test("history's text report of the two-stage scenario (golden file: test/golden/output/history.txt)", () => {
  clock = Date.parse("2026-01-01T00:00:00Z"); // the same commit dates whichever tests ran before
  const { history } = scenarioHistory(({ main, dev }) => ({
    main: commitsOf(main).reverse(),
    dev: commitsOf(dev.commits),
  }));
  assertGolden(join(outputGoldenDir, "history.txt"), historyText(history));
});

test("periods run from promotion to promotion; commits before a branch was created are not its history", () => {
  const { dev, history } = scenarioHistory(({ main, dev }) => ({
    main: commitsOf(main).reverse(),
    dev: commitsOf(dev.commits),
  }));
  assert.deepEqual(
    history.events.map((event) => [event.stage, event.commit, event.kind, event.from]),
    [
      ["dev", sha(1), "origin", "main"],
      ["dev", sha(10), "promotion", "main"],
      ["dev", sha(11), "promotion", "main"],
      ["test", sha(10), "origin", "dev"],
      ["test", sha(20), "promotion", "dev"],
    ],
  );
  const [devOrigin] = history.events;
  assert.equal(devOrigin!.commits, 1);
  assert.deepEqual(devOrigin!.changes, [], "promote created dev: main's past never ran on dev");
  assert.match(devOrigin!.subject, /^1 commit\(s\) of main .* before dev became a stage branch; none of them ran/);
  const ui = history.periods.filter((period) => period.stage === "dev");
  assert.deepEqual(
    ui.map((period) => [period.image, period.from === dev.commits[1]!.date, period.until]),
    [
      ["ui:1", true, dev.commits[2]!.date],
      ["ui:2", false, undefined],
    ],
  );
  assert.equal(ui[1]!.sourceCommit, sha(2));
  assert.deepEqual(
    history.now.map((stage) => [stage.stage, stage.images, stage.waiting]),
    [
      ["dev", { ui: "ui:2" }, { commits: 0, changes: [] }],
      ["test", { ui: "ui:1" }, { commits: 1, changes: [{ service: "ui", from: "ui:1", to: "ui:2" }] }],
    ],
  );
  assert.deepEqual(history.warnings, []);
});

test("a stage branch made by hand from main: main's past is one origin event, and the stage started with its last commit", () => {
  const main = [commit(30, { ui: "ui:1" }, "", []), commit(31, { ui: "ui:2" }), commit(32, { ui: "ui:3" })];
  const dev: StageLog = {
    stage: "dev",
    branch: "dev",
    promotedFrom: "main",
    commits: [
      ...main.slice(0, 2),
      commit(40, { ui: "ui:2" }, "", [sha(31)]),
      commit(41, { ui: "ui:3" }, "", [sha(40), sha(32)]),
    ],
    waiting: { images: { ui: "ui:3" }, commits: 0 },
  };
  const history = buildHistory({
    stages: [dev],
    sourceLines: { main: main.map((entry) => entry.commit) },
    remotes: [],
    shallow: [],
  });
  assert.deepEqual(
    history.events.map((event) => [event.kind, event.commit, event.commits, event.changes]),
    [
      ["origin", sha(31), 2, [{ service: "ui", from: undefined, to: "ui:2" }]],
      ["commit", sha(40), undefined, []],
      ["promotion", sha(41), undefined, [{ service: "ui", from: "ui:2", to: "ui:3" }]],
    ],
  );
  assert.deepEqual(
    history.periods.map((period) => [period.image, period.kind, period.endedBy]),
    [
      ["ui:2", "origin", sha(41)],
      ["ui:3", "promotion", undefined],
    ],
  );
  const text = historyText(history);
  assert.match(
    text,
    new RegExp(
      `dev {4}origin: 2 commit\\(s\\) of main \\(${short(30)}\\.\\.${short(31)}, .*\\) before dev became a stage branch; the stage started with the last of them`,
    ),
  );
  assert.equal(
    text.split("\n").filter((lineText) => /^ {2}\d{4}-/.test(lineText)).length,
    3,
    "one line per event, one for the origin",
  );
});

test("rewritten history and messages that disagree with the files are reported, not trusted", () => {
  const { main, dev, test: testLog } = scenario();
  const lying = { ...dev, commits: [...dev.commits.slice(0, 2), { ...dev.commits[2]!, parents: [sha(99), sha(2)] }] };
  const history = buildHistory({
    stages: [
      lying,
      {
        ...testLog,
        commits: [
          ...testLog.commits.slice(0, 2),
          commit(21, { ui: "ui:1" }, promotion("dev", "test", 77, undefined, ["ui ui:0 -> ui:1"]), [sha(10)]),
        ],
      },
    ],
    sourceLines: { main: main.map((entry) => entry.commit), dev: lying.commits.map((entry) => entry.commit) },
    remotes: [
      {
        branch: "dev",
        remote: "origin",
        ahead: 1,
        behind: 2,
        forcedUpdates: [{ date: "2026-02-01T00:00:00Z", from: sha(5), to: sha(6) }],
        pushes: [],
      },
    ],
    shallow: [],
  });
  const messages = history.warnings.map(
    (warning) => `${warning.stage} ${warning.commit?.slice(0, 4) ?? "-"}: ${warning.message}`,
  );
  assert.deepEqual(messages, [
    `dev 000b: made on top of ${short(10)} but now follows ${short(99)}: dev was rewritten after this promotion`,
    `test 0015: the message claims image changes [ui ui:0 -> ui:1] but the files show [ui (none) -> ui:1]; the files are used`,
    `test 0015: promoted ${short(77)} from dev, which is no longer on dev: dev was rewritten (force-pushed or rebased) after this promotion`,
    `dev 0006: origin/dev was force-updated at 2026-02-01T00:00:00Z from ${short(5)} to ${short(6)}: its history was rewritten`,
    "dev -: dev and origin/dev have diverged (1 local, 2 remote commits): one of them was rewritten or both changed",
  ]);
});

test("in a shallow clone nothing past the boundary is taken for a rewrite; a rewrite this side of it still is", () => {
  // dev's line starts at the boundary commit 10 (its parents cut: it follows nothing, its files are all new).
  const boundary = commit(10, { ui: "ui:1" }, promotion("main", "dev", 1, 9, ["ui ui:0 -> ui:1"]), []);
  const dev: StageLog = {
    stage: "dev",
    branch: "dev",
    promotedFrom: "main",
    commits: [
      boundary,
      commit(11, { ui: "ui:2" }, promotion("main", "dev", 2, 99, ["ui ui:1 -> ui:2"]), [sha(10), sha(2)]),
    ],
    waiting: undefined,
  };
  const test: StageLog = {
    stage: "test",
    branch: "test",
    promotedFrom: "dev",
    // Promoted from a dev commit past the boundary.
    commits: [commit(20, { ui: "ui:0" }, promotion("dev", "test", 7, 19, ["ui (none) -> ui:0"]), [sha(19), sha(7)])],
    waiting: undefined,
  };
  const input = {
    stages: [dev, test],
    sourceLines: { main: [sha(2)], dev: dev.commits.map((entry) => entry.commit) },
    remotes: [],
  };
  const messages = (shallow: string[]) =>
    buildHistory({ ...input, shallow }).warnings.map((warning) => `${warning.commit?.slice(0, 4)}: ${warning.message}`);
  assert.deepEqual(messages([sha(10), sha(19)]), [
    `000b: made on top of ${short(99)} but now follows ${short(10)}: dev was rewritten after this promotion`,
  ]);
  // The same commits read as a whole clone are rewritten history.
  assert.equal(messages([]).length, 5, messages([]).join("\n"));
});

test("filters narrow to a stage, a service and a time window", () => {
  const { dev, history } = scenarioHistory(({ main }) => ({ main: commitsOf(main) }));
  const devOnly = filterHistory(history, { stage: "dev", since: dev.commits[2]!.date });
  assert.deepEqual(
    devOnly.now.map((stage) => stage.stage),
    ["dev"],
  );
  assert.deepEqual(
    devOnly.events.map((event) => event.commit),
    [sha(11)],
  );
  assert.deepEqual(
    devOnly.periods.map((period) => period.image),
    ["ui:1", "ui:2"],
  );
  assert.deepEqual(filterHistory(history, { service: "auth" }).events, []);
});

test("the text and HTML reports show now, waiting, events, warnings and caveats; HTML is self-contained and escaped", () => {
  const { history } = scenarioHistory(({ main }) => ({ main: commitsOf(main) }));
  const text = historyText(history);
  assert.match(text, /Now \(image tag per stage\):\n {2}service {2}dev {2}test\n {2}ui {7}2 {4}1/);
  assert.match(text, /test ← dev: 1 commit\(s\); ui ui:1 -> ui:2/);
  assert.match(text, /a deployment that failed in the cluster is not in git/);
  const html = historyHtml({ ...history, services: [...history.services, "<script>"] }, "History & <more>");
  assert.match(html, /<title>History &amp; &lt;more&gt;<\/title>/);
  assert.doesNotMatch(html, /<script>|https?:|<link/);
  assert.equal((html.match(/class="bar"/g) ?? []).length, 3);
  assert.match(
    html,
    new RegExp(`data-image="ui:2" style="left:[0-9.]+%;width:[0-9.]+%;background:${imageColor("ui:2")}"`),
  );
  assert.match(imageColor("ui:2"), /^#[0-9a-f]{6}$/);
  assert.notEqual(imageColor("ui:1"), imageColor("ui:2"));
});
