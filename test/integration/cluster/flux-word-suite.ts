import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { parseAllDocuments } from "yaml";
import type { DeploymentHistory } from "../../../src/history/model.ts";
import { colourCounts, screenshot } from "../../support/chromium.ts";
import { runCli } from "../../support/cli.ts";
import type { Cluster } from "../../support/cluster.ts";
import { fluxStage, type FluxStage } from "../../support/flux-stage.ts";
import { startWebhookReceiver, type WebhookReceiver } from "../../support/webhook-receiver.ts";

/** notification-controller v1.9.3's Slack payload (internal/notifier/slack.go: SlackPayload). */
interface SlackPayload {
  channel: string;
  username: string;
  attachments?: {
    fallback: string;
    color: "good" | "danger";
    author_name: string;
    text: string;
    mrkdwn_in: string[];
    fields: { title: string; value: string; short: boolean }[];
  }[];
}

const field = (payload: SlackPayload, title: string) =>
  payload.attachments?.[0]?.fields.find((entry) => entry.title === title)?.value;

/**
 * What the cluster says back, with the real controllers: notification-controller posting the
 * sync's events to a Slack-compatible webhook on loopback, and `history --live` marking each
 * commit of the stage branch applied, never applied or failed from the Kustomization.
 */
export function fluxWordSuite(testCluster: () => Cluster): void {
  describe("The cluster's word: Flux notifications and history --live", () => {
    let flux: FluxStage;
    let receiver: WebhookReceiver;
    let cluster: Cluster;
    let authorName: string;
    const commits: Record<"bootstrap" | "promotion" | "superseded" | "replacing" | "failed", string> = {
      bootstrap: "",
      promotion: "",
      superseded: "",
      replacing: "",
      failed: "",
    };
    const promoteImage = async (tag: string) => {
      await flux.cli("set-image", "ui", `hsldevcom/jore4-ui:${tag}`);
      await flux.commitAndPush(`ui: ${tag}`);
      await flux.cli("promote", "main", flux.stage, "--push", "--yes");
      return flux.remoteHead(flux.stage);
    };
    const applied = (commit: string) => (body: SlackPayload) =>
      field(body, "revision") === `${flux.stage}@sha1:${commit}` &&
      body.attachments?.[0]?.author_name === authorName &&
      body.attachments[0].color === "good";

    before(async () => {
      cluster = testCluster();
      flux = await fluxStage(cluster, { name: "jore4-flux-word", interval: "5s" });
      receiver = await startWebhookReceiver(join(cluster.logs, "webhook-receiver.log"));
      authorName = `kustomization/${flux.syncName}.${flux.fluxNamespace}`;
    });
    after(async () => {
      await receiver?.close();
      flux?.repo.cleanup();
    });

    test("the operator's webhook Secret; Flux applies a promotion and notification-controller posts it with the applied revision", async () => {
      // The Provider names the Secret; the address is never in git (on AKS the CSI driver syncs it from Key Vault).
      const provider = parseAllDocuments(
        readFileSync(join(flux.repo.root, `clusters/${flux.stage}/flux-notifications.yaml`), "utf8"),
      )
        .map((document) => document.toJS() as { kind: string; spec: { secretRef?: { name: string } } })
        .find((object) => object.kind === "Provider")!;
      const secretName = provider.spec.secretRef!.name;
      await flux.cli("deploy", "crds", flux.stage, "--context", flux.context, "--skip", "secret-store-driver");
      // What the README tells the operator to run, bound to the stage's context.
      await cluster.kubectl([
        "--context",
        flux.context,
        "-n",
        flux.fluxNamespace,
        "create",
        "secret",
        "generic",
        secretName,
        `--from-literal=address=${receiver.url}`,
      ]);
      await flux.bootstrap();
      commits.bootstrap = (await flux.liveAtHead(60)).head;

      commits.promotion = await promoteImage("flux-word-1");
      await flux.liveAtHead(2 * flux.intervalSeconds);
      const message = await receiver.waitFor(
        "the promotion's applied revision is posted",
        30,
        applied(commits.promotion),
      );
      process.stderr.write(`notification: ${JSON.stringify(message)}\n`);
      assert.equal(message.channel, "jore4-deployments");
      assert.equal(message.username, `jore4-flux ${flux.stage}`);
      assert.equal(field(message, "stage"), flux.stage, "the Alert's eventMetadata");
      const [attachment] = message.attachments!;
      assert.match(attachment!.text, new RegExp(`Deployment/${flux.namespace}/jore4-ui configured`));
      assert.equal(attachment!.fallback, `${authorName}: ${attachment!.text.split("\n")[0]}`);
    });

    test("two promotions pushed before Flux looks: the first is never applied, the second is", async () => {
      // The sync applies its own GitRepository from git and would undo a kubectl patch within an
      // interval; Flux leaves an in-cluster object annotated reconcile: disabled alone.
      const suspend = (value: boolean) =>
        cluster.kubectl([
          "patch",
          "gitrepository",
          flux.sourceName,
          "-n",
          flux.fluxNamespace,
          "--type=merge",
          "-p",
          JSON.stringify({
            metadata: { annotations: { "kustomize.toolkit.fluxcd.io/reconcile": value ? "disabled" : null } },
            spec: { suspend: value },
          }),
        ]);
      const suspended = async () =>
        (
          JSON.parse(
            await cluster.kubectl(["get", "gitrepository", flux.sourceName, "-n", flux.fluxNamespace, "-o", "json"]),
          ) as { spec: { suspend?: boolean } }
        ).spec.suspend === true;
      // As if Flux polled only after both pushes: the source does not fetch while suspended.
      await suspend(true);
      // A reconciliation of the sync already under way when the annotation came may still undo it once.
      await sleep((flux.intervalSeconds + 2) * 1000);
      if (!(await suspended())) await suspend(true);
      assert.ok(await suspended(), "the GitRepository stays suspended");
      try {
        commits.superseded = await promoteImage("flux-word-2");
        commits.replacing = await promoteImage("flux-word-3");
      } finally {
        await suspend(false);
      }
      const live = await flux.liveAtHead(2 * flux.intervalSeconds + 10);
      assert.equal(live.head, commits.replacing);
      assert.equal(
        live.live.get("jore4-ui")!.spec.template.spec.containers[0]!.image,
        "hsldevcom/jore4-ui:flux-word-3",
      );
      await receiver.waitFor("the second promotion's revision is posted", 30, applied(commits.replacing));
      assert.ok(
        !receiver.received.some((body) => field(body as SlackPayload, "revision")?.endsWith(commits.superseded)),
        "nothing is posted for the revision Flux never saw",
      );
    });

    test("a revision the apiserver rejects: notification-controller posts the error with the failed revision", async () => {
      mkdirSync(join(flux.repo.root, "manifests/all"), { recursive: true });
      // Valid for jore4-flux, invalid for Kubernetes: a ConfigMap key with spaces.
      writeFileSync(
        join(flux.repo.root, "manifests/all/broken.yaml"),
        `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: broken\n  namespace: ${flux.namespace}\ndata:\n  "not a key": x\n`,
      );
      await flux.cli("generate");
      await flux.commitAndPush("a ConfigMap the apiserver rejects");
      await flux.cli("promote", "main", flux.stage, "--push", "--yes");
      commits.failed = await flux.remoteHead(flux.stage);
      const message = await receiver.waitFor(
        "the failure is posted",
        2 * flux.intervalSeconds + 30,
        (body: SlackPayload) =>
          field(body, "revision") === `${flux.stage}@sha1:${commits.failed}` &&
          body.attachments?.[0]?.color === "danger",
      );
      process.stderr.write(`notification: ${JSON.stringify(message)}\n`);
      assert.equal(message.attachments![0]!.author_name, authorName);
      assert.match(
        message.attachments![0]!.text,
        new RegExp(`ConfigMap/${flux.namespace}/broken dry-run failed \\(Invalid\\).*not a key`, "s"),
      );
      assert.equal(field(message, "stage"), flux.stage);
    });

    test("history --live marks each commit of dev with the cluster's word; other stages' contexts follow dev and stay git-only", async () => {
      const env = cluster.env as Record<string, string>;
      const result = await runCli(flux.repo.root, ["history", "--live", "--json"], env);
      assert.equal(result.exitCode, 0, result.stderr);
      const history = JSON.parse(result.stdout) as DeploymentHistory;
      assert.equal(history.source, "git+cluster");
      const mark = (commit: string) =>
        history.events.find((event) => event.stage === flux.stage && event.commit === commit)?.cluster;
      const promotion = mark(commits.promotion);
      assert.equal(promotion?.state, "applied", JSON.stringify(promotion));
      assert.ok(
        promotion.state === "applied" && promotion.after === "push" && promotion.lagSeconds! >= 0,
        `the lag after the push: ${JSON.stringify(promotion)}`,
      );
      assert.ok(
        promotion.lagSeconds! <= 2 * flux.intervalSeconds + 5,
        `within two intervals: ${promotion.lagSeconds} s`,
      );
      assert.equal(mark(commits.bootstrap)?.state, "applied");
      assert.deepEqual(mark(commits.superseded), { state: "superseded", by: commits.replacing });
      assert.equal(mark(commits.replacing)?.state, "applied");
      const failed = mark(commits.failed);
      assert.ok(failed?.state === "failed", JSON.stringify(failed));
      assert.equal(failed.reason, "ReconciliationFailed");
      assert.match(failed.message, new RegExp(`ConfigMap/${flux.namespace}/broken dry-run failed \\(Invalid\\)`));
      const live = new Map(history.live!.map((stage) => [stage.stage, stage]));
      assert.equal(live.get(flux.stage)!.lastAttemptedRevision, `${flux.stage}@sha1:${commits.failed}`);
      assert.match(live.get("test")!.problem ?? "", /follows branch dev, not test/);
      assert.ok(history.events.filter((event) => event.stage === "test").every((event) => !event.cluster));

      const text = await runCli(flux.repo.root, ["history", "--live", "--stage", flux.stage, "--no-fetch"], env);
      assert.equal(text.exitCode, 0, text.stderr);
      assert.match(text.stdout, /cluster: applied \S+ \([\d.]+ s after the push\)/);
      assert.match(text.stdout, /cluster: never applied: superseded by [0-9a-f]{12} before Flux reconciled it/);
      assert.match(text.stdout, /cluster: FAILED \S+: ReconciliationFailed: ConfigMap\//);
      const gitOnly = await runCli(flux.repo.root, ["history", "--stage", flux.stage, "--no-fetch"], env);
      assert.match(gitOnly.stdout, /^Read from git only/);
      assert.doesNotMatch(gitOnly.stdout, /cluster: /);

      // The report's picture in the README: KEEP_LIVE_SCREENSHOT=docs/history-live-report.png keeps it.
      const dir = mkdtempSync(join(tmpdir(), "jore4-flux-live-report-"));
      try {
        const html = join(dir, "history.html");
        const report = await runCli(
          flux.repo.root,
          ["history", "--live", "--stage", flux.stage, "--no-fetch", "--html", html],
          env,
        );
        assert.equal(report.exitCode, 0, report.stderr);
        const page = readFileSync(html, "utf8");
        assert.match(page, new RegExp(`<tr data-commit="${commits.failed}" data-state="failed">`));
        assert.match(page, new RegExp(`<tr data-commit="${commits.superseded}" data-state="superseded">`));
        const png = await screenshot(
          html,
          process.env.KEEP_LIVE_SCREENSHOT ?? join(dir, "history.png"),
          dir,
          1200,
          900,
        );
        const colours = colourCounts(png);
        // td.applied and td.failed backgrounds (report-html.ts): both marks are on the page as drawn.
        assert.ok((colours.get("#e7f6ec") ?? 0) > 500, "applied cells are drawn");
        assert.ok((colours.get("#fde8e8") ?? 0) > 500, "the failed cell is drawn");
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}
