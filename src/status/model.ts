import type { FluxSync } from "../cluster/flux-status.ts";
import { fluxRevision, type FluxCondition } from "../kube/flux.ts";
import type { RecordedDeploy } from "../cluster/objects.ts";
import { deploymentState } from "../cluster/rollout.ts";
import type { Platform } from "../config/project.ts";
import { ExitCode } from "../errors.ts";
import { containerImages, type DeploymentObject } from "../kube/deployment.ts";
import { objectId, type KubeObject } from "../kube/object.ts";

/**
 * `status`: what runs where, decided from facts gathered elsewhere (src/status/read.ts): the
 * stage's commits in git, what the cluster reports (Flux's sync, or the revision `deploy cluster`
 * recorded on a kind stage), and its Deployments against the ones in git. Pure: no git, no cluster;
 * data and verdicts only (the text is report-text.ts's).
 */

export interface StageGit {
  /** The stage's branch, its local and remote-tracking heads. */
  branch: string;
  local?: string;
  remote?: string;
  /** The commit the stage should run: the remote branch head (Flux), or HEAD of the checkout (kind). */
  head?: string;
  /** Where `head` comes from, e.g. `origin/dev` or `HEAD`. */
  headRef: string;
  /** The committer date of `head` (git records no push time). */
  committedAt?: string;
}

/** A Deployment as committed in clusters/<stage> at `head`. */
export interface WantedDeployment {
  namespace: string;
  name: string;
  images: Record<string, string>;
}

export type ClusterFacts =
  | { reachable: false; error: string }
  | {
      reachable: true;
      /** Flux stages: the stage's GitRepository and Kustomization. */
      flux?: FluxSync;
      /** Kind stages: what the stage's Namespace says `deploy cluster` applied; undefined: no Namespace. */
      recorded?: RecordedDeploy;
      deployments: KubeObject[];
    };

export interface StageFacts {
  stage: string;
  platform: Platform;
  context: string;
  namespace: string;
  git: StageGit;
  wanted: WantedDeployment[];
  cluster: ClusterFacts;
}

export const verdicts = [
  "in-sync",
  "behind",
  "applying",
  "rolling-out",
  "drifted",
  "failed",
  "not-deployed",
  "no-branch",
  "unreachable",
] as const;
export type Verdict = (typeof verdicts)[number];

export interface DeploymentReport {
  /** `Deployment/namespace/name`. */
  id: string;
  state: "rolled-out" | "rolling-out" | "stalled" | "missing";
  /** e.g. `1/1 updated, 1/1 available`. */
  summary: string;
  containers: { name: string; git: string; running?: string }[];
  /** Some container runs another image than git has. */
  drift: boolean;
}

export interface StageStatus {
  stage: string;
  platform: Platform;
  context: string;
  verdict: Verdict;
  /** One line: why the verdict. */
  reason: string;
  exitCode: ExitCode;
  /** `--watch` stops here: nothing will change without someone acting. */
  final: boolean;
  git: StageGit & { secondsSinceCommit?: number };
  /** The revision the cluster runs, as Flux names it or as `deploy cluster` recorded it. */
  running?: string;
  flux?: FluxSync;
  recorded?: RecordedDeploy;
  error?: string;
  deployments: DeploymentReport[];
}

const finalVerdicts: readonly Verdict[] = ["in-sync", "failed", "unreachable", "no-branch", "not-deployed"];

export function verdictExitCode(verdict: Verdict): ExitCode {
  return verdict === "in-sync" ? ExitCode.ok : verdict === "unreachable" ? ExitCode.failed : ExitCode.findings;
}

/** The exit code of several stages: the worst of them (unreachable over out of sync over in sync). */
export function overallExitCode(statuses: readonly Pick<StageStatus, "exitCode">[]): ExitCode {
  return statuses.reduce<ExitCode>((worst, status) => (status.exitCode > worst ? status.exitCode : worst), ExitCode.ok);
}

export const shortCommit = (commit: string | undefined) => commit?.slice(0, 12) ?? "none";

/** Each Deployment in git against the cluster's: rolled out, and running the images git has. */
export function deploymentReports(
  wanted: readonly WantedDeployment[],
  live: readonly KubeObject[],
): DeploymentReport[] {
  const byId = new Map(live.map((object) => [objectId(object), object as DeploymentObject]));
  return wanted.map((deployment) => {
    const id = `Deployment/${deployment.namespace}/${deployment.name}`;
    const found = byId.get(id);
    const running = new Map(Object.entries(found ? containerImages(found) : {}));
    const containers = Object.entries(deployment.images).map(([name, image]) => ({
      name,
      git: image,
      running: running.get(name),
    }));
    if (!found) return { id, state: "missing", summary: "not in the cluster", containers, drift: true };
    const state = deploymentState(found);
    const stalled = found.status?.conditions?.some(
      (condition) => condition.type === "Progressing" && condition.status === "False",
    );
    return {
      id,
      state: state.ready ? "rolled-out" : stalled ? "stalled" : "rolling-out",
      summary: state.summary,
      containers,
      drift: containers.some((container) => container.running !== container.git),
    };
  });
}

/** The verdict of the Deployments once the cluster runs the right revision. */
function workloadVerdict(reports: readonly DeploymentReport[]): { verdict: Verdict; reason: string } | undefined {
  const stalled = reports.filter((report) => report.state === "stalled");
  if (stalled.length > 0)
    return { verdict: "failed", reason: `${stalled.map((r) => `${r.id}: ${r.summary}`).join("; ")}` };
  const drifted = reports.filter((report) => report.drift);
  if (drifted.some((report) => report.state === "missing"))
    return {
      verdict: "drifted",
      reason: `missing in the cluster: ${drifted
        .filter((report) => report.state === "missing")
        .map((report) => report.id)
        .join(", ")}`,
    };
  const rolling = reports.filter((report) => report.state === "rolling-out");
  if (rolling.length > 0)
    return { verdict: "rolling-out", reason: rolling.map((report) => `${report.id}: ${report.summary}`).join("; ") };
  if (drifted.length > 0)
    return {
      verdict: "drifted",
      reason: `images differ from git: ${drifted
        .flatMap((report) =>
          report.containers
            .filter((container) => container.running !== container.git)
            .map((container) => `${report.id} ${container.name} runs ${container.running}, git has ${container.git}`),
        )
        .join("; ")}`,
    };
  return undefined;
}

/** A Flux condition in one phrase: its reason (else status) and message. */
export const conditionText = (condition: FluxCondition | undefined) =>
  condition ? `${condition.reason ?? condition.status}: ${condition.message ?? ""}`.trim() : "no Ready condition yet";

/** A Flux stage: the Kustomization's revisions and Ready condition against the branch head. */
function fluxVerdict(
  facts: StageFacts & { git: { head: string } },
  flux: FluxSync | undefined,
  reports: readonly DeploymentReport[],
): { verdict: Verdict; reason: string; running?: string } {
  const wanted = fluxRevision(facts.git.branch, facts.git.head);
  if (!flux?.installed) return { verdict: "not-deployed", reason: "Flux is not installed (run `deploy crds`)" };
  const sync = flux.kustomization;
  if (!sync) return { verdict: "not-deployed", reason: "no Flux Kustomization of the stage (run `deploy cluster`)" };
  const running = sync.lastAppliedRevision;
  const ready = sync.ready;
  if (sync.suspended) return { verdict: "failed", reason: `${sync.id} is suspended`, running };
  const source = flux.source;
  if (source?.ready?.status === "False" && source.artifactRevision !== wanted)
    return { verdict: "failed", reason: `${source.id}: ${conditionText(source.ready)}`, running };
  if (running === wanted) {
    if (ready?.status === "False") return { verdict: "failed", reason: `${sync.id}: ${conditionText(ready)}`, running };
    return { ...(workloadVerdict(reports) ?? { verdict: "in-sync", reason: `runs ${wanted}` }), running };
  }
  if (sync.lastAttemptedRevision === wanted && ready?.status === "False" && sync.observed)
    return { verdict: "failed", reason: `${wanted} failed: ${conditionText(ready)}`, running };
  if (sync.lastAttemptedRevision === wanted)
    return { verdict: "applying", reason: `applying ${wanted} (${conditionText(ready)})`, running };
  return {
    verdict: "behind",
    reason: `runs ${running ?? "nothing yet"}, the branch head is ${wanted}${
      source?.artifactRevision && source.artifactRevision !== running ? ` (source has ${source.artifactRevision})` : ""
    }`,
    running,
  };
}

/** A kind stage: the revision `deploy cluster` recorded against HEAD. */
function kindVerdict(
  facts: StageFacts & { git: { head: string } },
  recorded: RecordedDeploy | undefined,
  reports: readonly DeploymentReport[],
): { verdict: Verdict; reason: string; running?: string } {
  const running = recorded?.revision;
  if (!running)
    return {
      verdict: "not-deployed",
      reason: recorded
        ? `namespace ${facts.namespace} records no revision (not deployed by \`deploy cluster\` from a git checkout)`
        : `no namespace ${facts.namespace} (run \`deploy cluster ${facts.stage}\`)`,
    };
  if (running !== facts.git.head)
    return {
      verdict: "behind",
      reason: `deployed ${shortCommit(running)}, ${facts.git.headRef} is ${shortCommit(facts.git.head)}`,
      running,
    };
  if (recorded.uncommitted)
    return {
      verdict: "drifted",
      reason: `deployed from uncommitted changes on top of ${shortCommit(running)}`,
      running,
    };
  return { ...(workloadVerdict(reports) ?? { verdict: "in-sync", reason: `runs ${shortCommit(running)}` }), running };
}

/** The status of one stage at `now`. */
export function stageStatus(facts: StageFacts, now: Date): StageStatus {
  const committed = facts.git.committedAt ? Date.parse(facts.git.committedAt) : undefined;
  const git = {
    ...facts.git,
    ...(committed !== undefined
      ? { secondsSinceCommit: Math.max(0, Math.round((now.getTime() - committed) / 1000)) }
      : {}),
  };
  const base = { stage: facts.stage, platform: facts.platform, context: facts.context, git };
  const done = (
    decided: { verdict: Verdict; reason: string; running?: string },
    rest: Partial<StageStatus> = {},
  ): StageStatus => ({
    ...base,
    deployments: [],
    ...rest,
    ...decided,
    exitCode: verdictExitCode(decided.verdict),
    final: finalVerdicts.includes(decided.verdict),
  });
  if (facts.cluster.reachable === false)
    return done({ verdict: "unreachable", reason: facts.cluster.error }, { error: facts.cluster.error });
  const head = facts.git.head;
  if (head === undefined) return done({ verdict: "no-branch", reason: `no commit at ${facts.git.headRef}` });
  const withHead = { ...facts, git: { ...facts.git, head } };
  const deployments = deploymentReports(facts.wanted, facts.cluster.deployments);
  return facts.platform === "kind"
    ? done(kindVerdict(withHead, facts.cluster.recorded, deployments), {
        deployments,
        ...(facts.cluster.recorded ? { recorded: facts.cluster.recorded } : {}),
      })
    : done(fluxVerdict(withHead, facts.cluster.flux, deployments), {
        deployments,
        ...(facts.cluster.flux ? { flux: facts.cluster.flux } : {}),
      });
}
