import type { KubeObject } from "./object.ts";

/**
 * Flux's vocabulary as its controllers (source- and kustomize-controller v1.9) write it: the
 * conditions and status fields jore4-flux reads, and how Flux names a git revision. `status` and
 * `history --live` both read the Kustomization through these.
 */
/** A metav1.Condition: `reason` and `message` are required fields there (the message may be empty). */
export interface FluxCondition {
  type: string;
  status: "True" | "False" | "Unknown";
  reason: string;
  message: string;
  lastTransitionTime?: string;
}

/** The status of a GitRepository (`artifact`) or a Kustomization (the revisions, `history`). */
export interface FluxStatus {
  observedGeneration?: number;
  conditions?: FluxCondition[];
  artifact?: { revision?: string };
  lastAppliedRevision?: string;
  lastAttemptedRevision?: string;
  /** One snapshot per distinct build (digest); `metadata.revision` is the last revision that built it. */
  history?: {
    digest: string;
    firstReconciled: string;
    lastReconciled: string;
    lastReconciledStatus: string;
    totalReconciliations: number;
    metadata?: Record<string, string>;
  }[];
}

/** The condition Flux's controllers sum their state up in. */
export const readyCondition = (status: FluxStatus | undefined): FluxCondition | undefined =>
  status?.conditions?.find((condition) => condition.type === "Ready");

/** A GitRepository or Kustomization as kubectl returns it. */
export interface FluxObject extends KubeObject {
  spec?: { suspend?: boolean; url?: string; ref?: { branch?: string } };
  status?: FluxStatus;
}

/** A core/v1 Event about a Flux object, as kubectl prints it. */
export interface FluxEvent {
  type: string;
  reason: string;
  message: string;
  firstTimestamp?: string | null;
  lastTimestamp?: string | null;
  eventTime?: string | null;
  metadata: { creationTimestamp?: string; annotations?: Record<string, string> };
}

/** The annotation kustomize-controller puts the source revision in on its Events. */
export const fluxRevisionAnnotation = "kustomize.toolkit.fluxcd.io/revision";

/** How Flux names a git revision: `<branch>@sha1:<commit>`. */
export const fluxRevision = (branch: string, commit: string) => `${branch}@sha1:${commit}`;

/** `dev@sha1:<sha>` → branch and commit; undefined for another form (e.g. a tag or an OCI digest). */
export function parseRevision(revision: string | undefined): { branch: string; commit: string } | undefined {
  const match = /^(?:refs\/heads\/)?(.+)@sha1:([0-9a-f]{40})$/.exec(revision ?? "");
  return match ? { branch: match[1]!, commit: match[2]! } : undefined;
}
