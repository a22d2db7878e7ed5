import type { ImageChange, ServiceImages } from "../promotion/images.ts";
import type { ClusterMark, LiveStage } from "./cluster-mark.ts";

/** What `history` tells: events per stage, the periods each image ran, what runs and waits now, warnings. */

/**
 * `origin`: the commits a stage branch carried when it became a stage branch (the source branch's
 * past), summarised as one event; every other event is one commit on the stage branch.
 */
export type EventKind = "promotion" | "hotfix" | "rollback" | "commit" | "origin";

export interface DeploymentEvent {
  stage: string;
  commit: string;
  date: string;
  author: string;
  kind: EventKind;
  /** Branch promoted from (promotions and hotfixes). */
  from?: string;
  sourceCommit?: string;
  subject: string;
  /** Image changes read from the files, not from the message. */
  changes: ImageChange[];
  /** `origin` events: how many of the source branch's commits the summary stands for. */
  commits?: number;
  /** When this clone pushed the commit (from the remote-tracking branch's reflog). */
  pushedAt?: string;
  /** What the stage's cluster did with the commit (`history --live`); undefined: git only. */
  cluster?: ClusterMark;
}

/** One image running on one stage for a while. */
export interface ImagePeriod {
  stage: string;
  service: string;
  image: string;
  from: string;
  /** undefined: still running. */
  until: string | undefined;
  commit: string;
  /** The stage commit that ended the period (undefined: still running). */
  endedBy: string | undefined;
  by: string;
  kind: EventKind;
  promotedFrom?: string;
  sourceCommit?: string;
}

export interface HistoryWarning {
  stage: string;
  commit?: string;
  message: string;
}

export interface StageNow {
  stage: string;
  branch: string;
  promotedFrom: string;
  tip: string | undefined;
  images: ServiceImages;
  /** What promoting from `promotedFrom` would bring (promotion debt). */
  waiting: { commits: number; changes: ImageChange[] } | undefined;
}

export interface DeploymentHistory {
  /** `git`: read from git alone; `git+cluster`: marked with the clusters' word (`--live`). */
  source: "git" | "git+cluster";
  caveats: string[];
  warnings: HistoryWarning[];
  events: DeploymentEvent[];
  periods: ImagePeriod[];
  services: string[];
  now: StageNow[];
  /** `--live`: how each stage's cluster was read. */
  live?: LiveStage[];
}

/** Said when no cluster was read; `history --live` replaces it with what it read. */
export const gitOnlyCaveat =
  "Read from git only (run with --live to mark what each stage's cluster applied, failed or never applied): a deployment that failed in the cluster is not in git.";

export const historyCaveats = [
  gitOnlyCaveat,
  "A stage deploys only what was pushed; local, unpushed commits are shown but did not deploy.",
  "Times are commit times; the cluster applies a change a little later (Flux polls every interval).",
  "History rewritten with a force push cannot be trusted; what could be detected is listed under warnings.",
];

/** Said on standard error when the clone is shallow: what is past its boundary is not read, nor taken for rewritten. */
export const shallowNote = (boundary: number) =>
  `this clone is shallow: the history is cut at its shallow boundary (${boundary} commit(s) whose parents it does not have); what came before is not shown, and no promotion is taken for rewritten for lack of it (git fetch --unshallow reads the whole history)`;
