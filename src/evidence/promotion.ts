import type { Session } from "../cluster/session.ts";
import { progress, type Context } from "../context.ts";
import { ExitCode, Jore4FluxError } from "../errors.ts";
import type { Git } from "../git/git.ts";
import { fluxRevision } from "../kube/flux.ts";
import { trailerKeys, withTrailer } from "../promotion/message.ts";
import type { PromotionPlan } from "../promotion/promote.ts";
import { closeTransaction, refuse } from "../promotion/transaction.ts";
import { followStatus } from "../status/watch.ts";
import type { StageStatus } from "../status/model.ts";
import { gateDecision, gateText, type GateDecision } from "./gate.ts";
import { isoSeconds, recordOf, stageEvents } from "./model.ts";
import { readRecord, writeRecord } from "./notes.ts";
import type { ObservedEvent } from "./observe.ts";
import { readStatuses, recordStatuses, stageTargets, type StageTarget } from "./record.ts";

/**
 * What `promote` does with the deployment record: checks the target stage's gate against the
 * record of the stage promoted from (fetched first), records the promotion, and with `--wait`
 * asks Flux to reconcile now, follows the stage until the pushed revision runs or fails, records
 * the outcome and, with `--rollback-on-failure`, reverts it.
 */

/** The trailer a promotion past a refusing gate carries. */
export const gateOverrideTrailer = "Gate-Override";

/** The gate's verdict on `plan`; the remote's notes are fetched into the local record first. */
export async function promotionGate(
  git: Git,
  plan: PromotionPlan,
  options: { fetch: boolean; now: Date; override?: string | undefined },
): Promise<GateDecision> {
  const { step } = plan;
  const gate = step.to.gate;
  if (!gate || !step.fromStage) return gateDecision({ ...base(plan), events: [], gate: undefined, now: options.now });
  if (plan.remote && options.fetch) await writeRecord(git, new Map(), { remote: plan.remote });
  const events = stageEvents(await readRecord(git), plan.sourceCommit, step.fromStage.name);
  return gateDecision({ ...base(plan), events, gate, now: options.now, override: options.override });
}

const base = (plan: PromotionPlan) => ({
  fromStage: plan.step.fromStage?.name ?? plan.step.fromBranch,
  promoteFrom: plan.step.fromStage?.promotedFrom ?? plan.step.fromBranch,
  commit: plan.sourceCommit,
});

/** A refusing gate as the promotion's refusal (exit 4), naming the evidence missing and what to run. */
export function gateRefusal(plan: PromotionPlan, decision: GateDecision): Jore4FluxError {
  return refuse(`cannot promote ${plan.step.fromBranch} to ${plan.step.to.branch}: the gate of ${plan.step.to.name}`, [
    { reason: gateText(decision), fix: decision.fix ?? "" },
  ]);
}

/** The promotion's message with the override's reason as a trailer (merge strategy). */
export function withOverride(message: string, decision: GateDecision): string {
  return decision.verdict === "overridden" && decision.reason !== undefined
    ? withTrailer(message, gateOverrideTrailer, decision.reason)
    : message;
}

/** Who promotes: git's committer identity. */
export async function promoter(git: Git): Promise<string> {
  const ident = (await git.attempt(["var", "GIT_COMMITTER_IDENT"])).stdout.trim();
  return ident.replace(/ \d+ [+-]\d{4}$/, "") || "unknown";
}

/** The promotion's own events on the stage's new head: promoted (by, from, strategy), pushed, the override. */
export function promotionEvents(
  plan: PromotionPlan,
  commit: string,
  options: { by: string; at: Date; pushed: boolean; decision: GateDecision },
): ObservedEvent[] {
  const stage = plan.step.to.name;
  const at = isoSeconds(options.at);
  const events: ObservedEvent[] = [
    {
      commit,
      event: {
        stage,
        kind: "promoted",
        at,
        details: {
          by: options.by,
          from: plan.step.fromBranch,
          source: plan.sourceCommit,
          strategy: plan.step.to.strategy ?? "merge",
          gate: options.decision.verdict,
        },
      },
    },
  ];
  if (options.pushed) events.push({ commit, event: { stage, kind: "pushed", at } });
  if (options.decision.verdict === "overridden")
    events.push({ commit, event: { stage, kind: "override", at, details: { reason: options.decision.reason ?? "" } } });
  return events;
}

/**
 * Records a pushed promotion (promote without --wait, and the promotions `rollback --through`
 * makes, which no gate holds up: the decision says so).
 */
export async function recordPromotion(
  git: Git,
  plan: PromotionPlan,
  commit: string,
  options: { at: Date; decision?: GateDecision },
): Promise<void> {
  const decision = options.decision ?? { verdict: "ungated", allowed: true, evidence: "a rollback's promotion" };
  const events = promotionEvents(plan, commit, { by: await promoter(git), at: options.at, pushed: true, decision });
  await writeRecord(git, recordOf(events), { remote: plan.remote, push: true });
}

/**
 * Asks Flux to reconcile now, as `flux reconcile kustomization --with-source` does: the
 * `reconcile.fluxcd.io/requestedAt` annotation on the GitRepository (it fetches the branch) and
 * on the Kustomization (it applies what the source has; asked again once the source has the
 * revision, see waitForRevision).
 */
export async function requestReconcile(
  session: Session,
  context: string,
  what: "source" | "sync" | "both",
  now: Date,
): Promise<void> {
  const { flux } = session.config;
  const objects = [
    ...(what !== "sync" ? [`gitrepositories.source.toolkit.fluxcd.io/${flux.sourceName}`] : []),
    ...(what !== "source" ? [`kustomizations.kustomize.toolkit.fluxcd.io/${flux.syncName}`] : []),
  ];
  await session.run({
    title: `ask Flux to reconcile ${objects.map((object) => object.split("/")[1]).join(" and ")} now (reconcile.fluxcd.io/requestedAt)`,
    argv: [
      "kubectl",
      "--context",
      context,
      "annotate",
      "--overwrite",
      ...objects,
      "-n",
      flux.namespace,
      `reconcile.fluxcd.io/requestedAt=${now.toISOString()}`,
    ],
  });
}

export interface WaitOutcome {
  status: StageStatus;
  /** The head runs: applied and rolled out with git's images. */
  runs: boolean;
  timedOut: boolean;
  seconds: number;
}

/**
 * Follows the stage until its branch head runs or fails (`status --watch`'s loop: progress lines
 * on stderr, bounded by `timeoutSeconds`), after asking Flux to reconcile now.
 */
export async function waitForRevision(
  session: Session,
  git: Git,
  remote: string | undefined,
  target: StageTarget,
  options: { timeoutSeconds: number },
): Promise<WaitOutcome> {
  const { context } = session;
  const started = context.now().getTime();
  await requestReconcile(session, target.context, "both", context.now());
  let syncAsked = false;
  // Read every second: the reconcile request makes Flux act within seconds, not at its interval.
  const { statuses, timedOut } = await followStatus(
    async (deadline) => {
      const statuses = await readStatuses(session, git, remote, [target], deadline);
      const status = statuses[0]!;
      // The source has fetched the revision: ask the Kustomization again, in case it ran before.
      if (
        !syncAsked &&
        status.git.head &&
        status.flux?.source?.artifactRevision === fluxRevision(target.stage.branch, status.git.head) &&
        status.verdict !== "in-sync"
      ) {
        syncAsked = true;
        await requestReconcile(session, target.context, "sync", context.now());
      }
      return statuses;
    },
    { timeoutSeconds: options.timeoutSeconds, progress: (line) => progress(context, line), pollSeconds: 1 },
  );
  const status = statuses[0]!;
  return {
    status,
    runs: status.verdict === "in-sync",
    timedOut,
    seconds: Math.round((context.now().getTime() - started) / 1000),
  };
}

/**
 * A revert of the promotion on the stage branch: a new commit on top of it whose files are the
 * stage's before the promotion (never a reset: the history keeps showing what was tried), moved
 * and pushed as every promotion is.
 */
export async function revertPromotion(
  context: Context,
  git: Git,
  plan: PromotionPlan,
  promoted: string,
): Promise<string> {
  const before = plan.targetCommit;
  const branch = plan.step.to.branch;
  if (!before)
    throw new Jore4FluxError(`cannot roll back: the promotion created ${branch}, there is nothing before it`, {
      exitCode: ExitCode.failed,
    });
  const subject = (await git.run(["log", "-1", "--format=%s", promoted])).trim();
  const message = withTrailer(
    `Revert "${subject}"\n\nThis reverts commit ${promoted}: ${plan.step.to.name} failed with it (promote --rollback-on-failure).\n${branch} gets the files of ${before} again.`,
    trailerKeys.rollbackOf,
    promoted,
  );
  const tree = (await git.run(["rev-parse", `${before}^{tree}`])).trim();
  const revert = (await git.run(["commit-tree", tree, "-p", promoted, "-m", message])).trim();
  await closeTransaction(context, git, {
    remote: plan.remote,
    push: true,
    moves: [{ branch, from: promoted, to: revert }],
    reason: `jore4-flux: roll back ${promoted.slice(0, 12)} on ${branch}`,
    done: `${branch} is now ${revert.slice(0, 12)}, reverting ${promoted.slice(0, 12)}`,
  });
  return revert;
}

export interface WaitedPromotion {
  outcome: WaitOutcome;
  rollback?: { revert: string; outcome: WaitOutcome };
}

/**
 * `promote --wait`: records the promotion, follows the stage, records what it saw, rolls back on
 * failure when asked. Throws (exit 1) unless the promoted revision runs.
 */
export async function followPromotion(
  session: Session,
  git: Git,
  plan: PromotionPlan,
  commit: string,
  options: { timeoutSeconds: number; rollbackOnFailure: boolean; promotion: readonly ObservedEvent[] },
): Promise<WaitedPromotion> {
  const { context } = session;
  const stage = plan.step.to;
  if (!stage.fluxSync)
    throw new Jore4FluxError(`--wait: ${stage.name} is not synced by Flux; deploy it with deploy cluster`, {
      exitCode: ExitCode.invalid,
    });
  const [target] = stageTargets(session, [stage]);
  const record = (statuses: StageStatus[], extra: readonly ObservedEvent[] = []) =>
    recordStatuses(git, statuses, { remote: plan.remote, push: plan.remote !== undefined, now: context.now(), extra });
  progress(
    context,
    `following ${stage.name} until ${commit.slice(0, 12)} runs, for up to ${options.timeoutSeconds} s…`,
  );
  const outcome = await waitForRevision(session, git, plan.remote, target!, options);
  await record([outcome.status], options.promotion);
  if (outcome.runs) {
    progress(
      context,
      `${stage.name} runs ${commit.slice(0, 12)}: applied and rolled out ${outcome.seconds} s after the push`,
    );
    return { outcome };
  }
  const what = outcome.timedOut
    ? `${stage.name} did not run ${commit.slice(0, 12)} within ${options.timeoutSeconds} s (${outcome.status.verdict}: ${outcome.status.reason})`
    : `${stage.name} failed with ${commit.slice(0, 12)}: ${outcome.status.reason}`;
  if (!options.rollbackOnFailure || outcome.timedOut)
    throw new Jore4FluxError(what, {
      exitCode: ExitCode.findings,
      hint: `jore4-flux status ${stage.name} shows where it stands; the record has it (git log --notes=jore4-flux)`,
    });
  progress(context, `${what}; rolling back`);
  const revert = await revertPromotion(context, git, plan, commit);
  const rolledBack: ObservedEvent = {
    commit,
    event: { stage: stage.name, kind: "rolled-back", at: isoSeconds(context.now()), details: { revert } },
  };
  const pushedRevert: ObservedEvent = {
    commit: revert,
    event: { stage: stage.name, kind: "pushed", at: isoSeconds(context.now()) },
  };
  await record([], [rolledBack, pushedRevert]);
  const after = await waitForRevision(session, git, plan.remote, target!, options);
  await record([after.status]);
  throw new Jore4FluxError(
    `${what}; rolled back with ${revert.slice(0, 12)}, which ${after.runs ? "runs" : `does not run either (${after.status.verdict}: ${after.status.reason})`}`,
    { exitCode: ExitCode.findings },
  );
}
