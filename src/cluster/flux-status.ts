import type { ProjectConfig } from "../config/project.ts";
import { ExitCode, Jore4FluxError } from "../errors.ts";
import { readyCondition, type FluxCondition, type FluxObject } from "../kube/flux.ts";
import { items, type KubeObject } from "../kube/object.ts";
import { kubectlSteps } from "./kubectl.ts";
import type { Session } from "./session.ts";

/**
 * What Flux reports about a stage's sync: the GitRepository's artifact and the Kustomization's
 * applied and attempted revisions with their Ready condition, read from the objects
 * `fluxSyncObjects` (src/render/flux.ts) renders.
 */
interface FluxObjectStatus {
  /** `Kind/namespace/name`. */
  id: string;
  /** False while the controller has not yet acted on the latest spec. */
  observed: boolean;
  suspended: boolean;
  ready?: FluxCondition;
}

export interface FluxSourceStatus extends FluxObjectStatus {
  url?: string;
  branch?: string;
  /** `<branch>@sha1:<commit>` of the artifact the source controller last fetched. */
  artifactRevision?: string;
}

export interface FluxKustomizationStatus extends FluxObjectStatus {
  lastAppliedRevision?: string;
  lastAttemptedRevision?: string;
}

export interface FluxSync {
  /** Whether the cluster knows Flux's kinds at all (`deploy crds`). */
  installed: boolean;
  source?: FluxSourceStatus;
  kustomization?: FluxKustomizationStatus;
}

function objectStatus(object: FluxObject): FluxObjectStatus {
  const generation = (object.metadata.generation as number | undefined) ?? 1;
  const ready = readyCondition(object.status);
  return {
    id: `${object.kind}/${object.metadata.namespace}/${object.metadata.name}`,
    observed: (object.status?.observedGeneration ?? 0) >= generation,
    suspended: object.spec?.suspend === true,
    ...(ready ? { ready } : {}),
  };
}

/** The stage's sync from the Flux objects kubectl listed (pure). */
export function fluxSyncOf(objects: readonly KubeObject[], config: ProjectConfig): FluxSync {
  const { flux } = config;
  const find = (kind: string, name: string) =>
    objects.find(
      (object) => object.kind === kind && object.metadata.name === name && object.metadata.namespace === flux.namespace,
    ) as FluxObject | undefined;
  const source = find("GitRepository", flux.sourceName);
  const kustomization = find("Kustomization", flux.syncName);
  return {
    installed: true,
    ...(source
      ? {
          source: {
            ...objectStatus(source),
            url: source.spec?.url,
            branch: source.spec?.ref?.branch,
            artifactRevision: source.status?.artifact?.revision,
          },
        }
      : {}),
    ...(kustomization
      ? {
          kustomization: {
            ...objectStatus(kustomization),
            lastAppliedRevision: kustomization.status?.lastAppliedRevision,
            lastAttemptedRevision: kustomization.status?.lastAttemptedRevision,
          },
        }
      : {}),
  };
}

/**
 * How long `status` and `history --live` read one stage's cluster, all its kubectl calls
 * together: a cluster out of reach is reported in seconds, not minutes. Each call asks kubectl for the same bound
 * (--request-timeout) and is killed at the stage's (kubectl retries its discovery past its own).
 */
export const statusReadSeconds = 10;
export const statusReadTimeout = `--request-timeout=${statusReadSeconds}s`;

/**
 * The one read of a stage's Flux objects (`status`, `history --live`): its GitRepository and
 * Kustomization through `context` (read-only, also in a dry run), killed when `signal` aborts.
 * undefined: the cluster does not know Flux's kinds (no CRDs); any other failure (unreachable
 * server, unknown context) is an error (exit 3) with kubectl's message.
 */
export async function readFluxObjects(
  read: Session["read"],
  context: string,
  config: ProjectConfig,
  signal?: AbortSignal,
): Promise<FluxObject[] | undefined> {
  const { flux } = config;
  const step = kubectlSteps(context).get(`read the Flux sync in ${flux.namespace}`, [
    `gitrepositories.source.toolkit.fluxcd.io/${flux.sourceName}`,
    `kustomizations.kustomize.toolkit.fluxcd.io/${flux.syncName}`,
    "-n",
    flux.namespace,
    "--ignore-not-found",
    statusReadTimeout,
  ]);
  const result = await read({ ...step, tolerateFailure: true }, signal ? { signal } : {});
  if (result.exitCode === 0) return items<FluxObject>(result.stdout);
  if (/doesn't have a resource type/.test(result.stderr)) return undefined;
  throw new Jore4FluxError(`${step.title} through context ${context} failed: ${firstLine(result.stderr)}`, {
    exitCode: ExitCode.failed,
  });
}

/** The stage's sync as `status` reports it (`readFluxObjects`); a cluster without Flux's CRDs gives `installed: false`. */
export async function readFluxSync(
  session: Session,
  context: string,
  config: ProjectConfig,
  signal?: AbortSignal,
): Promise<FluxSync> {
  const objects = await readFluxObjects(session.read, context, config, signal);
  return objects ? fluxSyncOf(objects, config) : { installed: false };
}

/** kubectl's first line of complaint (it repeats itself on retries). */
export const firstLine = (text: string) =>
  text
    .split("\n")
    .map((line) => line.trim())
    .find(Boolean) ?? "no output";
