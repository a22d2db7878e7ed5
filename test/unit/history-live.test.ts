import assert from "node:assert/strict";
import { test } from "node:test";
import { buildHistory } from "../../src/history/build.ts";
import type { StageLog } from "../../src/history/input.ts";
import { gitOnlyCaveat, type DeploymentHistory } from "../../src/history/model.ts";
import { fluxRevisionAnnotation, parseRevision, type FluxEvent } from "../../src/kube/flux.ts";
import { markHistory, stageRecords, type FluxKustomization } from "../../src/history/live.ts";
import { parseTrailerLines, readClaims } from "../../src/promotion/message.ts";
import { historyHtml } from "../../src/history/report-html.ts";
import { historyText } from "../../src/history/report-text.ts";

const hex = (n: number) => n.toString(16).padStart(40, "a");
const at = (minutes: number, seconds = 0) => new Date(Date.UTC(2026, 11, 1, 12, minutes, seconds)).toISOString();
const revision = (n: number, branch = "dev") => `${branch}@sha1:${hex(n)}`;

/** dev: commit n made at minute n with ui:n, each pushed 30 s after it was made. */
function devHistory(numbers: number[]): DeploymentHistory {
  const dev: StageLog = {
    stage: "dev",
    branch: "dev",
    promotedFrom: "main",
    commits: numbers.map((n, index) => ({
      commit: hex(n),
      parents: index === 0 ? [] : [hex(numbers[index - 1]!)],
      author: "Alice",
      email: "alice@example.invalid",
      date: at(n),
      subject: `ui: ${n}`,
      claims: readClaims(parseTrailerLines("")),
      images: { ui: `hsldevcom/jore4-ui:${n}` },
    })),
    waiting: { images: {}, commits: 0 },
  };
  const pushes = numbers.map((n) => ({ commit: hex(n), date: at(n, 30) })).reverse();
  return buildHistory({
    stages: [dev],
    sourceLines: {},
    remotes: [{ branch: "dev", remote: "origin", ahead: 0, behind: 0, forcedUpdates: [], pushes }],
    shallow: [],
  });
}

const event = (type: string, reason: string, message: string, rev: string, time: string): FluxEvent => ({
  type,
  reason,
  message,
  firstTimestamp: time,
  lastTimestamp: time,
  metadata: { annotations: { [fluxRevisionAnnotation]: rev } },
});
const snapshot = (rev: string, first: string, status = "ReconciliationSucceeded") => ({
  digest: `sha256:${rev.slice(-8)}`,
  firstReconciled: first,
  lastReconciled: first,
  lastReconciledStatus: status,
  totalReconciliations: 1,
  metadata: { revision: rev },
});
const rejected = "ConfigMap/jore4/broken dry-run failed (Invalid): data[not a key]: Invalid value";

/** What kustomize-controller left after: 1 applied, 2 and 3 pushed together (3 applied), 4 rejected, 5 not yet seen. */
const kustomization: FluxKustomization = {
  status: {
    lastAppliedRevision: revision(3),
    lastAttemptedRevision: revision(4),
    conditions: [
      {
        type: "Ready",
        status: "False",
        reason: "ReconciliationFailed",
        message: rejected,
        lastTransitionTime: at(4, 40),
      },
    ],
    history: [snapshot(revision(4), at(4, 40), "ReconciliationFailed"), snapshot(revision(3), at(3, 37))],
  },
};
const events = [
  event("Normal", "ReconciliationSucceeded", "Reconciliation finished in 1s, next run in 5s", revision(1), at(1, 42)),
  event("Normal", "ReconciliationSucceeded", "Reconciliation finished in 1s, next run in 5s", revision(3), at(3, 37)),
  event("Normal", "Progressing", "Deployment/jore4/jore4-ui configured", revision(3), at(3, 36)),
  event("Warning", "ReconciliationFailed", rejected, revision(4), at(4, 40)),
];

test("parseRevision reads Flux's branch@sha1 revisions and nothing else", () => {
  assert.deepEqual(parseRevision(revision(7)), { branch: "dev", commit: hex(7) });
  assert.deepEqual(parseRevision(`refs/heads/${revision(7)}`), { branch: "dev", commit: hex(7) });
  assert.equal(parseRevision("v1.2.3@sha1:abc"), undefined);
  assert.equal(parseRevision("latest@sha256:" + "0".repeat(64)), undefined);
  assert.equal(parseRevision(undefined), undefined);
});

test("the cluster's word marks every commit: applied with the lag after the push, superseded, failed with the reason, pending", () => {
  const records = stageRecords({ stage: "dev", context: "hsl-jore4-dev-cluster" }, "dev", kustomization, events);
  const marked = markHistory(devHistory([1, 2, 3, 4, 5]), [records]);
  assert.equal(marked.live?.[0]?.recordsSince, at(1, 42));
  assert.equal(marked.source, "git+cluster");
  assert.deepEqual(
    marked.events.map((entry) => [entry.commit, entry.cluster]),
    [
      [hex(1), { state: "applied", at: at(1, 42), lagSeconds: 12, after: "push" }],
      [hex(2), { state: "superseded", by: hex(3) }],
      [hex(3), { state: "applied", at: at(3, 37), lagSeconds: 7, after: "push" }],
      [hex(4), { state: "failed", at: at(4, 40), reason: "ReconciliationFailed", message: rejected }],
      [hex(5), { state: "pending" }],
    ],
  );
  const text = historyText(marked);
  assert.match(text, /^Read from git, marked with the clusters' word \(--live\)\./);
  assert.match(text, new RegExp(`cluster: applied ${at(3, 37)} \\(7 s after the push\\)`));
  assert.match(
    text,
    new RegExp(`cluster: never applied: superseded by ${hex(3).slice(0, 12)} before Flux reconciled it`),
  );
  assert.match(text, /cluster: FAILED .*: ReconciliationFailed: ConfigMap\/jore4\/broken dry-run failed \(Invalid\)/);
  assert.match(
    text,
    /dev \(context hsl-jore4-dev-cluster\): applied dev@sha1:a+3; Ready False \(ReconciliationFailed\)/,
  );
  assert.ok(!marked.caveats.includes(gitOnlyCaveat));
  const html = historyHtml(marked);
  assert.match(html, new RegExp(`<tr data-commit="${hex(4)}" data-state="failed">`));
  assert.match(html, new RegExp(`class="mark commit live-superseded" data-commit="${hex(2)}"`));
});

test("without records from before a commit, the cluster has no word on it; an earlier build's time is not its apply time", () => {
  // Only the latest reconciliations are kept; 2 is a rollback to 1's manifests (one snapshot, first reconciled at 1's time).
  const records = stageRecords(
    { stage: "dev", context: "hsl-jore4-dev-cluster" },
    "dev",
    {
      status: {
        lastAppliedRevision: revision(3),
        lastAttemptedRevision: revision(3),
        conditions: [{ type: "Ready", status: "True", reason: "ReconciliationSucceeded", message: "Applied" }],
        history: [snapshot(revision(3), at(1, 40))],
      },
    },
    [],
  );
  const marked = markHistory(devHistory([1, 2, 3]), [records]);
  assert.deepEqual(
    marked.events.map((entry) => entry.cluster),
    [{ state: "unknown" }, { state: "unknown" }, { state: "applied" }],
  );
  assert.match(historyText(marked), /cluster: not in the cluster's records/);
  assert.match(historyText(marked), /cluster: applied \(the cluster did not record when\)/);
});

test("a cluster following another branch, or not read at all, leaves the stage git-only and says why", () => {
  const other = stageRecords(
    { stage: "dev", context: "hsl-jore4-dev-cluster" },
    "dev",
    {
      status: { lastAppliedRevision: revision(3, "test"), lastAttemptedRevision: revision(3, "test") },
    },
    events,
  );
  assert.match(other.stage.problem ?? "", /follows branch test, not dev/);
  const marked = markHistory(devHistory([1, 2, 3]), [other]);
  assert.equal(marked.source, "git");
  assert.ok(marked.events.every((entry) => entry.cluster === undefined));
  assert.match(
    historyText(marked),
    /dev \(context hsl-jore4-dev-cluster\): the cluster's Kustomization follows branch test/,
  );

  const gitOnly = devHistory([1, 2]);
  assert.equal(gitOnly.source, "git");
  assert.ok(gitOnly.caveats.includes(gitOnlyCaveat));
  assert.match(historyText(gitOnly), /^Read from git only \(--live marks what each stage's cluster applied\)\./);
  assert.match(historyHtml(gitOnly), /Read from git only: run <code>history --live<\/code>/);
});

test("text from outside in the text report (author, Flux's message): escapes dropped, no faked line; the history (JSON) keeps it whole", () => {
  const message =
    "\u001b[31mdry-run failed\u001b[0m\n  2026-12-01T12:09:00Z  dev    promote from main by Mallory (ffffffffffff): ui: 9";
  const history = devHistory([1, 2]);
  const evil = {
    ...history,
    events: history.events.map((entry) => ({
      ...entry,
      author: "Eve \u001b]0;title\u0007<eve@example.invalid>\r  faked",
      cluster: { state: "failed" as const, at: at(2, 40), reason: "ReconciliationFailed", message },
    })),
  };
  const text = historyText(evil);
  assert.ok(
    ![...text].some((character) => character !== "\n" && character < " "),
    "no control character but the report's own newlines",
  );
  assert.doesNotMatch(text, /^ {2}2026-12-01T12:09:00Z/m, "the message fakes no event line");
  assert.match(text, /by Eve <eve@example\.invalid> faked \(/);
  assert.match(
    text,
    /cluster: FAILED \S+: ReconciliationFailed: dry-run failed 2026-12-01T12:09:00Z {2}dev {4}promote/,
  );
  const json = JSON.parse(JSON.stringify(evil)) as DeploymentHistory;
  assert.equal(json.events[0]!.author, evil.events[0]!.author);
  assert.deepEqual(json.events[0]!.cluster, {
    state: "failed",
    at: at(2, 40),
    reason: "ReconciliationFailed",
    message,
  });
});
