import type { ServiceImages } from "../promotion/images.ts";
import type { Claims } from "../promotion/message.ts";

/** What `history` reads of git: each stage branch's first-parent line and what the clone saw of the remote. */

/** One commit on a stage branch's first-parent line, with the images its clusters/<stage> holds. */
export interface StageCommit {
  commit: string;
  parents: readonly string[];
  author: string;
  email: string;
  /** Committer date, ISO 8601: when the commit (the promotion) was made. */
  date: string;
  subject: string;
  /** What the message's trailers claim (read once, where the log is read). */
  claims: Claims;
  images: ServiceImages;
}

export interface StageLog {
  stage: string;
  branch: string;
  promotedFrom: string;
  /** Oldest first. */
  commits: readonly StageCommit[];
  /** Images the source branch holds for this stage now, and how many commits wait there. */
  waiting: { images: ServiceImages; commits: number } | undefined;
  /**
   * Fast-forward promotions to this stage, from the record's `promoted` events, by the commit the
   * branch moved to: such a promotion leaves no commit of its own, so git alone shows the promoted
   * commits as the source's past. Absent or empty: every promotion is a commit (a merge stage).
   */
  promotions?: ReadonlyMap<string, RecordedPromotion>;
}

/** A fast-forward promotion as the record holds it: who, when, from which branch and commit. */
export interface RecordedPromotion {
  at: string;
  by: string;
  from: string;
  source: string;
}

/** What the local clone saw of the remote: forced updates and divergence are rewritten history. */
export interface RemoteState {
  branch: string;
  remote: string;
  ahead: number;
  behind: number;
  /** Reflog entries of the remote-tracking branch that were not fast-forwards. */
  forcedUpdates: readonly { date: string; from: string; to: string }[];
  /** When this clone pushed a commit to the branch (`update by push` in the reflog). */
  pushes: readonly { commit: string; date: string }[];
}

export interface HistoryInput {
  stages: readonly StageLog[];
  /** First-parent commits of every branch that stages are promoted from (main and stage branches). */
  sourceLines: Readonly<Record<string, readonly string[]>>;
  remotes: readonly RemoteState[];
  /** A shallow clone's boundary: the commits whose parents the clone does not have (none in a full clone). */
  shallow: readonly string[];
}
