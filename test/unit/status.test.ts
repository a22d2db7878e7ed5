import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { fluxSyncOf, type FluxSync } from "../../src/cluster/flux-status.ts";
import { fluxRevision } from "../../src/kube/flux.ts";
import { recordedDeploy, revisionAnnotation, uncommittedAnnotation, withRevision } from "../../src/cluster/objects.ts";
import { ExitCode } from "../../src/errors.ts";
import type { KubeObject } from "../../src/kube/object.ts";
import { followStatus } from "../../src/status/watch.ts";
import { terminalTextLength } from "../../src/terminal-text.ts";
import {
  overallExitCode,
  stageStatus,
  type ClusterFacts,
  type StageFacts,
  type WantedDeployment,
} from "../../src/status/model.ts";
import { ago, statusLine, statusText } from "../../src/status/report-text.ts";
import { fluxConfig, fluxGitRepository, fluxKustomization, liveDeployment } from "../support/flux-objects.ts";

const head = "a".repeat(40);
const older = "b".repeat(40);
const now = new Date("2026-12-02T05:00:00Z");

const wanted: WantedDeployment[] = [
  { namespace: "hsl-jore4", name: "jore4-ui", images: { "jore4-ui": "ui:2" } },
  { namespace: "hsl-jore4", name: "jore4-auth", images: { "jore4-auth": "auth:1" } },
];
const rolledOut = [liveDeployment("jore4-ui", "ui:2"), liveDeployment("jore4-auth", "auth:1")];

function fluxObjects(kustomization: Record<string, unknown>, artifact = fluxRevision("dev", head)): KubeObject[] {
  return [
    fluxGitRepository({
      observedGeneration: 1,
      artifact: { revision: artifact },
      conditions: [{ type: "Ready", status: "True", reason: "Succeeded", message: `stored artifact for ${artifact}` }],
    }),
    fluxKustomization({ observedGeneration: 1, ...kustomization }),
  ];
}

const ready = (status: string, reason: string, message: string) => ({
  conditions: [{ type: "Ready", status, reason, message }],
});

/** The status of dev when Flux's last attempt, at the head, failed with `message` (the older revision still runs). */
const failedAtHead = (message: string) =>
  stageStatus(
    fluxFacts(
      sync({
        lastAppliedRevision: fluxRevision("dev", older),
        lastAttemptedRevision: fluxRevision("dev", head),
        ...ready("False", "ReconciliationFailed", message),
      }),
    ),
    now,
  );

function fluxFacts(flux: FluxSync | undefined, deployments = rolledOut): StageFacts {
  return {
    stage: "dev",
    platform: "aks",
    context: "hsl-jore4-dev-cluster",
    namespace: "hsl-jore4",
    git: {
      branch: "dev",
      local: head,
      remote: head,
      head,
      headRef: "origin/dev",
      committedAt: "2026-12-02T04:58:00Z",
    },
    wanted,
    cluster: { reachable: true, ...(flux ? { flux } : {}), deployments },
  };
}

const sync = (kustomization: Record<string, unknown>, artifact?: string) =>
  fluxSyncOf(fluxObjects(kustomization, artifact), fluxConfig);

function kindFacts(cluster: ClusterFacts): StageFacts {
  return {
    stage: "e2e",
    platform: "kind",
    context: "kind-jore4-local-cluster",
    namespace: "hsl-jore4",
    git: { branch: "e2e", head, headRef: "HEAD", committedAt: "2026-12-02T04:00:00Z" },
    wanted,
    cluster,
  };
}

describe("status of a Flux-synced stage", () => {
  test("in sync: applied at the branch head, Ready, every Deployment rolled out with git's images → exit 0", () => {
    const status = stageStatus(
      fluxFacts(
        sync({
          lastAppliedRevision: fluxRevision("dev", head),
          lastAttemptedRevision: fluxRevision("dev", head),
          ...ready("True", "ReconciliationSucceeded", `Applied revision: dev@sha1:${head}`),
        }),
      ),
      now,
    );
    assert.equal(status.verdict, "in-sync");
    assert.equal(status.exitCode, ExitCode.ok);
    assert.equal(status.final, true);
    assert.equal(status.running, `dev@sha1:${head}`);
    assert.equal(status.git.secondsSinceCommit, 120);
    assert.deepEqual(
      status.deployments.map((report) => [report.id, report.state, report.drift]),
      [
        ["Deployment/hsl-jore4/jore4-ui", "rolled-out", false],
        ["Deployment/hsl-jore4/jore4-auth", "rolled-out", false],
      ],
    );
    const text = statusText([status]);
    assert.match(text, /^dev: in-sync: runs dev@sha1:a{40}$/m);
    assert.match(text, /head {8}origin\/dev a{12}, committed 2 min ago/);
    assert.match(
      text,
      /sync {8}Kustomization\/flux-system\/flux-system-sync: applied dev@sha1:a{40}, attempted dev@sha1:a{40}, Ready True ReconciliationSucceeded/,
    );
  });

  test("behind: a push Flux has not fetched yet → exit 1, not final (--watch goes on)", () => {
    const status = stageStatus(
      fluxFacts(
        sync(
          {
            lastAppliedRevision: fluxRevision("dev", older),
            lastAttemptedRevision: fluxRevision("dev", older),
            ...ready("True", "ReconciliationSucceeded", "Applied"),
          },
          fluxRevision("dev", older),
        ),
      ),
      now,
    );
    assert.equal(status.verdict, "behind");
    assert.equal(status.exitCode, ExitCode.findings);
    assert.equal(status.final, false);
    assert.equal(status.reason, `runs dev@sha1:${older}, the branch head is dev@sha1:${head}`);
  });

  test("applying: the head is being attempted → exit 1, not final", () => {
    const status = stageStatus(
      fluxFacts(
        sync({
          lastAppliedRevision: fluxRevision("dev", older),
          lastAttemptedRevision: fluxRevision("dev", head),
          ...ready("Unknown", "Progressing", "Reconciliation in progress"),
        }),
      ),
      now,
    );
    assert.equal(status.verdict, "applying");
    assert.equal(status.final, false);
  });

  test("failed: the head's reconciliation failed → exit 1 with Flux's message, final; the old revision still runs", () => {
    const message = "ConfigMap/hsl-jore4/broken dry-run failed (Invalid): data[not a key]: Invalid value";
    const status = failedAtHead(message);
    assert.equal(status.verdict, "failed");
    assert.equal(status.exitCode, ExitCode.findings);
    assert.equal(status.final, true);
    assert.equal(status.reason, `dev@sha1:${head} failed: ReconciliationFailed: ${message}`);
    assert.equal(status.running, `dev@sha1:${older}`);
  });

  test("Flux's message in the text report: escapes dropped, no faked line, capped; the status (the JSON report) keeps it whole", () => {
    const message = `\u001b[2K\u001b[32mApplied\u001b[0m\ndev: in-sync: runs dev@sha1:${head}\r${"x".repeat(terminalTextLength)}`;
    const status = failedAtHead(message);
    assert.equal(status.reason, `dev@sha1:${head} failed: ReconciliationFailed: ${message}`);
    assert.equal(status.flux?.kustomization?.ready?.message, message);
    assert.equal(JSON.parse(JSON.stringify(status)).reason, status.reason, "JSON carries it as it is");
    const text = statusText([status]);
    assert.ok(
      ![...text].some((character) => character !== "\n" && character < " "),
      "no control character but the report's own newlines",
    );
    assert.equal(text.split("\n")[0], statusLine(status));
    assert.match(
      statusLine(status),
      new RegExp(
        `^dev: failed: dev@sha1:${head} failed: ReconciliationFailed: Applied dev: in-sync: runs dev@sha1:${head} x+$`,
      ),
    );
    assert.deepEqual(
      text.split("\n").filter((line) => /^\S/.test(line)),
      [statusLine(status)],
      "one line starts a stage",
    );
    const syncLine = text.split("\n").find((line) => line.startsWith("  sync "))!;
    assert.ok(syncLine.endsWith("\u2026"), syncLine);
    assert.ok(syncLine.length < 2 * terminalTextLength, "the sync line is capped");
  });

  test("a failure of an older revision while the head waits is behind, not failed (a fix is on its way)", () => {
    const status = stageStatus(
      fluxFacts(
        sync(
          {
            lastAppliedRevision: fluxRevision("dev", older),
            lastAttemptedRevision: fluxRevision("dev", "c".repeat(40)),
            ...ready("False", "ReconciliationFailed", "bad"),
          },
          fluxRevision("dev", older),
        ),
      ),
      now,
    );
    assert.equal(status.verdict, "behind");
    assert.equal(status.final, false);
  });

  test("applied, but a Deployment still rolls out, one stalled, or one runs another image", () => {
    const applied = sync({
      lastAppliedRevision: fluxRevision("dev", head),
      lastAttemptedRevision: fluxRevision("dev", head),
      ...ready("True", "ReconciliationSucceeded", "Applied"),
    });
    const rolling = stageStatus(
      fluxFacts(applied, [
        liveDeployment("jore4-ui", "ui:2", {
          observedGeneration: 1,
          replicas: 2,
          updatedReplicas: 1,
          availableReplicas: 1,
        }),
        rolledOut[1]!,
      ]),
      now,
    );
    assert.equal(rolling.verdict, "rolling-out");
    assert.equal(rolling.final, false);
    const stalled = stageStatus(
      fluxFacts(applied, [
        liveDeployment("jore4-ui", "ui:2", {
          observedGeneration: 1,
          replicas: 1,
          updatedReplicas: 1,
          availableReplicas: 0,
          conditions: [
            { type: "Progressing", status: "False", reason: "ProgressDeadlineExceeded", message: "too slow" },
          ],
        }),
        rolledOut[1]!,
      ]),
      now,
    );
    assert.equal(stalled.verdict, "failed");
    assert.match(stalled.reason, /Deployment\/hsl-jore4\/jore4-ui: .*ProgressDeadlineExceeded: too slow/);
    const drifted = stageStatus(fluxFacts(applied, [liveDeployment("jore4-ui", "ui:1"), rolledOut[1]!]), now);
    assert.equal(drifted.verdict, "drifted");
    assert.equal(drifted.exitCode, ExitCode.findings);
    assert.match(drifted.reason, /Deployment\/hsl-jore4\/jore4-ui jore4-ui runs ui:1, git has ui:2/);
    assert.match(statusText([drifted]), /jore4-ui: rolled-out \(1\/1 updated, 1\/1 available\) ui:1 \(git: ui:2\)/);
    const missing = stageStatus(fluxFacts(applied, [rolledOut[0]!]), now);
    assert.equal(missing.verdict, "drifted");
    assert.equal(missing.reason, "missing in the cluster: Deployment/hsl-jore4/jore4-auth");
  });

  test("no Flux, no Kustomization, a suspended one, a failing source", () => {
    assert.equal(stageStatus(fluxFacts({ installed: false }), now).verdict, "not-deployed");
    assert.equal(stageStatus(fluxFacts({ installed: true }), now).verdict, "not-deployed");
    const suspended = fluxSyncOf(
      fluxObjects({}).map((object) =>
        object.kind === "Kustomization" ? { ...object, spec: { suspend: true } } : object,
      ),
      fluxConfig,
    );
    assert.equal(stageStatus(fluxFacts(suspended), now).verdict, "failed");
    const source = fluxSyncOf(
      fluxObjects({ lastAppliedRevision: fluxRevision("dev", older) }, fluxRevision("dev", older)).map((object) =>
        object.kind === "GitRepository"
          ? { ...object, status: { ...ready("False", "GitOperationFailed", "failed to checkout: 404") } }
          : object,
      ),
      fluxConfig,
    );
    const status = stageStatus(fluxFacts(source), now);
    assert.equal(status.verdict, "failed");
    assert.equal(status.reason, "GitRepository/flux-system/flux-repo: GitOperationFailed: failed to checkout: 404");
  });

  test("unreachable → exit 3, final; no branch → exit 1", () => {
    const facts = fluxFacts(undefined);
    const unreachable = stageStatus({ ...facts, cluster: { reachable: false, error: "connection refused" } }, now);
    assert.equal(unreachable.verdict, "unreachable");
    assert.equal(unreachable.exitCode, ExitCode.failed);
    assert.equal(unreachable.final, true);
    const noBranch = stageStatus({ ...facts, git: { branch: "dev", headRef: "dev" } }, now);
    assert.equal(noBranch.verdict, "no-branch");
    assert.equal(noBranch.exitCode, ExitCode.findings);
  });
});

describe("status of a kind stage", () => {
  const namespace = (annotations: Record<string, string>): KubeObject => ({
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name: "hsl-jore4", annotations },
  });

  test("deploy cluster's record on the Namespace: written by withRevision, read back the same by recordedDeploy", () => {
    const record = { revision: head, uncommitted: true };
    const objects = withRevision([namespace({ keep: "me" }), liveDeployment("jore4-ui", "ui:2")], "hsl-jore4", record);
    assert.deepEqual(objects[0]!.metadata.annotations, {
      keep: "me",
      [revisionAnnotation]: head,
      [uncommittedAnnotation]: "true",
    });
    assert.equal(objects[1]!.metadata.annotations, undefined, "only the stage's Namespace");
    assert.deepEqual(recordedDeploy(objects[0]!), record);
    const committed = { revision: head, uncommitted: false };
    assert.deepEqual(recordedDeploy(withRevision([namespace({})], "hsl-jore4", committed)[0]!), committed);
    assert.deepEqual(withRevision(objects, "hsl-jore4", undefined), objects);
  });

  test("deployed HEAD and rolled out → in sync; HEAD moved on → behind; uncommitted → drifted; none → not deployed", () => {
    const deployed = (revision: string, uncommitted = false) =>
      kindFacts({ reachable: true, recorded: { revision, uncommitted }, deployments: rolledOut });
    const inSync = stageStatus(deployed(head), now);
    assert.equal(inSync.verdict, "in-sync");
    assert.equal(inSync.exitCode, ExitCode.ok);
    assert.match(statusText([inSync]), /deployed {4}a{40}/);
    const behind = stageStatus(deployed(older), now);
    assert.equal(behind.verdict, "behind");
    assert.equal(behind.reason, `deployed ${older.slice(0, 12)}, HEAD is ${head.slice(0, 12)}`);
    assert.equal(behind.exitCode, ExitCode.findings);
    assert.equal(stageStatus(deployed(head, true), now).verdict, "drifted");
    const none = stageStatus(kindFacts({ reachable: true, deployments: [] }), now);
    assert.equal(none.verdict, "not-deployed");
    assert.match(none.reason, /no namespace hsl-jore4/);
    assert.equal(
      stageStatus(kindFacts({ reachable: true, recorded: { uncommitted: false }, deployments: rolledOut }), now)
        .verdict,
      "not-deployed",
    );
  });
});

describe("several stages and helpers", () => {
  test("the exit code of several stages is the worst: unreachable over out of sync over in sync", () => {
    assert.equal(overallExitCode([]), ExitCode.ok);
    assert.equal(overallExitCode([{ exitCode: ExitCode.ok }, { exitCode: ExitCode.findings }]), ExitCode.findings);
    assert.equal(
      overallExitCode([{ exitCode: ExitCode.failed }, { exitCode: ExitCode.findings }, { exitCode: ExitCode.ok }]),
      ExitCode.failed,
    );
  });

  test("durations for people", () => {
    assert.deepEqual([ago(5), ago(600), ago(3 * 3600), ago(5 * 86400)], ["5 s", "10 min", "3 h", "5 d"]);
  });
});

describe("status --watch", () => {
  const behind = stageStatus(
    fluxFacts(
      sync({ lastAppliedRevision: fluxRevision("dev", older), lastAttemptedRevision: fluxRevision("dev", older) }),
    ),
    now,
  );
  const applied = sync({
    lastAppliedRevision: fluxRevision("dev", head),
    lastAttemptedRevision: fluxRevision("dev", head),
    ...ready("True", "ReconciliationSucceeded", "Applied"),
  });
  const inSync = stageStatus(fluxFacts(applied), now);

  test("follows until every stage is final, printing a stage's line only when it changes", async () => {
    const rounds = [[behind], [behind], [inSync], [behind]];
    const lines: string[] = [];
    const followed = await followStatus(async () => rounds.shift()!, {
      timeoutSeconds: 10,
      pollSeconds: 0.001,
      progress: (line) => lines.push(line),
    });
    assert.equal(followed.timedOut, false);
    assert.deepEqual(followed.statuses, [inSync]);
    assert.deepEqual(lines, [`dev: behind: ${behind.reason}`, `dev: in-sync: runs dev@sha1:${head}`]);
    assert.equal(rounds.length, 1, "stopped at the first final round");
  });

  test("gives up after the timeout with the last statuses", async () => {
    // The timeout is ended by the test during the third read, not by the clock.
    const timer = testTimer();
    let reads = 0;
    const followed = await followStatus(async () => (++reads === 3 && timer.expire(), [behind]), {
      timeoutSeconds: 60,
      pollSeconds: 0.001,
      progress: () => {},
      startTimer: timer.start,
    });
    assert.equal(followed.timedOut, true);
    assert.equal(followed.statuses[0]!.verdict, "behind");
    assert.equal(reads, 3, "read again until the deadline, and not after it");
    assert.equal(timer.cancelled(), true, "the timer is stopped when the watch ends");
  });
});

/** The watch's timer, ended by the test (`expire`) instead of after wall time. */
function testTimer() {
  let expire: (() => void) | undefined;
  let cancelled = false;
  return {
    start: (onExpire: () => void) => {
      expire = onExpire;
      return () => void (cancelled = true);
    },
    expire: () => expire!(),
    cancelled: () => cancelled,
  };
}

describe("status --watch's deadline covers the reads in flight", () => {
  const unreachable = (reason: string) =>
    stageStatus({ ...fluxFacts(undefined), cluster: { reachable: false, error: reason } }, now);
  /** A read that answers only when the deadline stops it, as a kubectl killed at the deadline does. */
  const hanging = (deadline: AbortSignal) =>
    new Promise<ReturnType<typeof unreachable>[]>((resolve) =>
      deadline.addEventListener("abort", () =>
        resolve([unreachable(`context hsl-jore4-dev-cluster: ${(deadline.reason as Error).message}`)]),
      ),
    );
  const behind = stageStatus(
    fluxFacts(
      sync({ lastAppliedRevision: fluxRevision("dev", older), lastAttemptedRevision: fluxRevision("dev", older) }),
    ),
    now,
  );

  test("the first read cut short: reported as the read left it, naming the timeout", async () => {
    const lines: string[] = [];
    const followed = await followStatus(hanging, { timeoutSeconds: 0.05, progress: (line) => lines.push(line) });
    assert.equal(followed.timedOut, true);
    assert.equal(followed.statuses[0]!.verdict, "unreachable");
    assert.deepEqual(lines, [
      "dev: unreachable: context hsl-jore4-dev-cluster: no answer before --timeout (0.05 s) ran out",
    ]);
  });

  test("a later read cut short: the last whole round stands", async () => {
    // The deadline comes during the second read (the test ends the timer there), whatever the machine's load.
    const timer = testTimer();
    let reads = 0;
    const lines: string[] = [];
    const read = async (deadline: AbortSignal) => {
      if (reads++ === 0) return [behind];
      const cutShort = hanging(deadline);
      timer.expire();
      return cutShort;
    };
    const followed = await followStatus(read, {
      timeoutSeconds: 0.05,
      pollSeconds: 0.001,
      progress: (line) => lines.push(line),
      startTimer: timer.start,
    });
    assert.equal(followed.timedOut, true);
    assert.deepEqual(followed.statuses, [behind]);
    assert.deepEqual(lines, [statusLine(behind)]);
    assert.equal(reads, 2);
  });
});
