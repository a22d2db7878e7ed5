import assert from "node:assert/strict";
import { test } from "node:test";
import type { ProjectConfig } from "../../src/config/project.ts";
import { assembleHistoryInput, blobsNamed, type HistoryAnswers } from "../../src/history/assemble.ts";
import { commitsOnlyIn, parseCommitGraph, type CommitGraph } from "../../src/history/commit-graph.ts";
import { keptHistoryReader, type HistoryReads } from "../../src/history/kept-reads.ts";
import { planHistoryReads, type HistoryReadPlan } from "../../src/history/read-plan.ts";
import type { CommitRange, FileChange, HistoryReader, LogCommit } from "../../src/history/reads.ts";
import type { ServiceImages } from "../../src/promotion/images.ts";

test("what waits is git's `rev-list --count --no-merges stage..source`: side-branch commits count, merges and shared commits do not", () => {
  // main: m1 - m2 - m3 - m4 (merge of f1 - f2, branched from m2) - m5; dev: d1, a promotion merge of m2 onto m1.
  const graph = parseCommitGraph(
    ["m5 m4", "m4 m3 f2", "m3 m2", "f2 f1", "f1 m2", "d1 m1 m2", "m2 m1", "m1", ""].join("\n"),
  );
  assert.equal(commitsOnlyIn(graph, "m5", "d1"), 4); // m3, f1, f2, m5
  assert.equal(commitsOnlyIn(graph, "m2", "d1"), 0);
  assert.equal(commitsOnlyIn(graph, "d1", "m5"), 0); // d1 is a merge
  assert.equal(commitsOnlyIn(graph, "m5", "m5"), 0);
});

// Only the fields the plan reads: the stages' names and branches, and the clusters folder.
const config = {
  paths: { clusters: "clusters" },
  stages: [
    { name: "dev", branch: "dev", promotedFrom: "main" },
    { name: "test", branch: "test", promotedFrom: "dev" },
    { name: "prod", branch: "prod", promotedFrom: "test" },
    { name: "e2e", branch: "e2e", promotedFrom: "main" },
  ],
} as unknown as Pick<ProjectConfig, "stages" | "paths">;

test("the plan reads a stage without a local branch from its remote-tracking branch, waits only where both tips exist, and reads the graph from each tip once", () => {
  const refs = new Map([
    ["refs/heads/main", "a1"],
    ["refs/heads/dev", "d1"],
    ["refs/heads/test", "t1"],
    ["refs/remotes/origin/dev", "d0"],
    ["refs/remotes/origin/prod", "p1"],
    ["refs/remotes/origin/main", "a0"],
  ]);
  const plan = planHistoryReads(config, "origin", refs);
  assert.deepEqual(
    plan.stages.map(({ stage, dir, tip, range }) => ({ stage, dir, tip, range })),
    [
      { stage: "dev", dir: "clusters/dev/", tip: "d1", range: 0 },
      { stage: "test", dir: "clusters/test/", tip: "t1", range: 1 },
      { stage: "prod", dir: "clusters/prod/", tip: "p1", range: 2 },
      { stage: "e2e", dir: "clusters/e2e/", tip: undefined, range: undefined },
    ],
  );
  assert.deepEqual(plan.ranges, [
    { tip: "d1", source: "a1" },
    { tip: "t1", source: "d1" },
    { tip: "p1", source: "t1" },
  ]);
  assert.deepEqual(plan.graphTips, ["d1", "a1", "t1", "p1"]);
  assert.deepEqual(plan.mainLines, [{ branch: "main", tip: "a1" }]);
  // Counted between commits, never by a branch's short name (a tag of the same name would win).
  assert.deepEqual(plan.remotes, [
    { branch: "dev", remote: "origin", trackingRef: "refs/remotes/origin/dev", tracking: "d0", local: "d1" },
    { branch: "prod", remote: "origin", trackingRef: "refs/remotes/origin/prod", tracking: "p1", local: undefined },
  ]);
  // Without a remote, remote-tracking branches are no stage's tip.
  const local = planHistoryReads(config, undefined, refs);
  assert.equal(local.stages[2]!.tip, undefined);
  assert.deepEqual(local.remotes, []);
});

const logCommit = (commit: string, parents: string[], files: FileChange[]): LogCommit => ({
  commit,
  parents,
  author: "Alice",
  email: "alice@example.invalid",
  date: "2026-01-01T00:00:00Z",
  subject: `commit ${commit}`,
  trailers: "",
  files,
});

test("the assembly replays each stage's files commit by commit and what waits below its folder, the later file winning", () => {
  const plan: HistoryReadPlan = {
    clusters: "clusters",
    stages: [
      { stage: "dev", branch: "dev", promotedFrom: "main", dir: "clusters/dev/", tip: "c3", range: 0 },
      { stage: "test", branch: "test", promotedFrom: "dev", dir: "clusters/test/", tip: undefined, range: undefined },
    ],
    ranges: [{ tip: "c3", source: "m2" }],
    graphTips: ["c3", "m2"],
    mainLines: [{ branch: "main", tip: "m2" }],
    remotes: [],
  };
  const log = [
    logCommit("c1", ["m1"], [["clusters/dev/ui.yaml", "ui1"]]),
    logCommit("c2", ["c1"], [["clusters/dev/api.yaml", "api1"]]),
    logCommit(
      "c3",
      ["c2"],
      [
        ["clusters/dev/ui.yaml", "ui2"],
        ["clusters/dev/api.yaml", null],
      ],
    ),
  ];
  const changes: FileChange[] = [
    ["clusters/dev/ui.yaml", "ui3"],
    ["clusters/dev/zz.yaml", "both"],
    ["clusters/test/ui.yaml", "other"],
  ];
  const images = new Map<string, ServiceImages>([
    ["ui1", { ui: "ui:1" }],
    ["ui2", { ui: "ui:2" }],
    ["ui3", { ui: "ui:3" }],
    ["api1", { api: "api:1" }],
    ["both", { api: "api:2", ui: "ui:9" }],
    ["other", { ui: "ui:0" }],
  ]);
  const answers: HistoryAnswers = {
    logs: [log, []],
    graph: parseCommitGraph(["m2 m1", "c3 c2", "c2 c1", "c1 m1", "m1", ""].join("\n")),
    changes: [changes],
    images,
    remotes: [],
    shallow: ["m1"],
  };
  assert.deepEqual(blobsNamed(log, changes, "clusters/dev/"), ["ui1", "api1", "ui2", "ui3", "both"]);
  const input = assembleHistoryInput(plan, answers);
  assert.deepEqual(
    input.stages[0]!.commits.map((commit) => commit.images),
    [{ ui: "ui:1" }, { ui: "ui:1", api: "api:1" }, { ui: "ui:2" }],
  );
  // ui.yaml then zz.yaml (git's order): zz.yaml's ui wins; test's file is not dev's.
  assert.deepEqual(input.stages[0]!.waiting, { images: { ui: "ui:9", api: "api:2" }, commits: 1 });
  assert.deepEqual(input.stages[1], {
    stage: "test",
    branch: "test",
    promotedFrom: "dev",
    commits: [],
    waiting: undefined,
  });
  assert.deepEqual(input.sourceLines, { main: ["m2", "m1"], dev: ["c1", "c2", "c3"] });
  assert.deepEqual(input.shallow, ["m1"]);
});

/** A repository's answers held in memory, counting the questions that reach it (the reader wrapped, not the one tested). */
function memoryReader(answers: {
  logs: Record<string, LogCommit[]>;
  graph: string;
  changes: FileChange[][];
  images: Record<string, ServiceImages>;
}): { reader: HistoryReader; asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    reader: {
      log: async (dir, tip) => (asked.push(`log ${dir} ${tip}`), answers.logs[tip] ?? []),
      graph: async (tips) => (asked.push(`graph ${tips.join(" ")}`), parseCommitGraph(answers.graph)),
      changes: async (dir, ranges: readonly CommitRange[]) => (
        asked.push(`changes ${dir} ${ranges.map((range) => `${range.tip}..${range.source}`).join(" ")}`),
        answers.changes
      ),
      images: async (blobs) => (
        asked.push(`images ${blobs.join(" ")}`),
        new Map(blobs.map((blob) => [blob, answers.images[blob] ?? {}]))
      ),
    },
  };
}

async function askAll(reader: HistoryReader, tips: string[]) {
  const graph: CommitGraph = await reader.graph(tips);
  const changes = await reader.changes("clusters", [{ tip: tips[0]!, source: tips[1]! }]);
  const log = await reader.log("clusters/dev/", tips[0]!);
  const images = await reader.images(["b1", "b2"]);
  return { ids: graph.ids, changes, log, images: ["b1", "b2"].map((blob) => images.get(blob)) };
}

test("the kept reads answer what they hold, ask the reader wrapped only for the rest, and record what the run was told", async () => {
  const repository = {
    logs: { d1: [logCommit("d1", [], [["clusters/dev/ui.yaml", "b1"]])], d2: [logCommit("d2", [], [])] },
    graph: "d1 a1\na1\n",
    changes: [[["clusters/dev/ui.yaml", "b2"] as FileChange]],
    images: { b1: { ui: "ui:1" }, b2: { ui: "ui:2" }, b3: { ui: "ui:3" } },
  };
  const first = memoryReader(repository);
  const fresh = keptHistoryReader(first.reader, undefined);
  const answered = await askAll(fresh.reader, ["d1", "a1"]);
  assert.equal(fresh.readAnew(), true);
  assert.deepEqual(first.asked, ["graph d1 a1", "changes clusters d1..a1", "log clusters/dev/ d1", "images b1 b2"]);
  // The record as the store keeps it (JSON), and its form of the ranges (`<dir>`, then `<tip> <source>` lines).
  const record = JSON.parse(JSON.stringify(fresh.reads())) as HistoryReads;
  assert.equal(record.ranges.pairs, "clusters\nd1 a1");
  assert.deepEqual(record.blobs, [
    ["b1", { ui: "ui:1" }],
    ["b2", { ui: "ui:2" }],
  ]);

  const second = memoryReader(repository);
  const kept = keptHistoryReader(second.reader, record);
  assert.deepEqual(await askAll(kept.reader, ["d1", "a1"]), answered);
  assert.equal(kept.readAnew(), false);
  assert.deepEqual(second.asked, []);
  assert.deepEqual(kept.reads(), record);

  // A branch that moved: its log, the graph of the new tips, the new range and an unknown blob are asked; the rest is kept.
  const third = memoryReader(repository);
  const moved = keptHistoryReader(third.reader, record);
  await moved.reader.graph(["d2", "a1"]);
  await moved.reader.changes("clusters", [{ tip: "d2", source: "a1" }]);
  await moved.reader.log("clusters/dev/", "d2");
  await moved.reader.log("clusters/dev/", "d1");
  await moved.reader.images(["b1", "b3", "b3"]);
  assert.equal(moved.readAnew(), true);
  assert.deepEqual(third.asked, ["graph d2 a1", "changes clusters d2..a1", "log clusters/dev/ d2", "images b3"]);
  // The same ranges in another folder are another question.
  const fourth = memoryReader(repository);
  await keptHistoryReader(fourth.reader, record).reader.changes("elsewhere", [{ tip: "d1", source: "a1" }]);
  assert.deepEqual(fourth.asked, ["changes elsewhere d1..a1"]);
});
