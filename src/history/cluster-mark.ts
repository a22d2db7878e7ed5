/** What `history --live` reads of a stage's cluster, and the mark it puts on each commit. */

/**
 * The cluster's word on one commit of a stage branch, from its Flux Kustomization: applied (when,
 * and how long after the push or commit), failed (why), never applied (a later commit came first),
 * pending (not reconciled yet) or unknown (older than what the cluster keeps).
 */
export type ClusterMark =
  | { state: "applied"; at?: string; lagSeconds?: number; after?: "push" | "commit" }
  | { state: "failed"; at?: string; reason: string; message: string }
  | { state: "superseded"; by: string }
  | { state: "pending" }
  | { state: "unknown" };

/** How one stage's cluster was read for `history --live`. */
export interface LiveStage {
  stage: string;
  context: string;
  /** Why the cluster's word is missing (unreachable, no Kustomization, another branch). */
  problem?: string;
  lastAppliedRevision?: string;
  lastAttemptedRevision?: string;
  ready?: { status: string; reason: string; message: string; since?: string };
  /** The oldest record the cluster still keeps: older commits are `unknown`. */
  recordsSince?: string;
}
