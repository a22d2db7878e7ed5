import { posix } from "node:path";
import { firstLine, readFluxSync, statusReadSeconds, statusReadTimeout } from "../cluster/flux-status.ts";
import { kubectlSteps } from "../cluster/kubectl.ts";
import { recordedDeploy } from "../cluster/objects.ts";
import type { Session } from "../cluster/session.ts";
import type { StageConfig } from "../config/project.ts";
import { ExitCode, Jore4FluxError } from "../errors.ts";
import type { Git } from "../git/git.ts";
import { containerImages, type DeploymentObject } from "../kube/deployment.ts";
import { items, parseObjects, type KubeObject } from "../kube/object.ts";
import { branchState } from "../git/branches.ts";
import type { ClusterFacts, StageFacts, StageGit, WantedDeployment } from "./model.ts";

/** The reading side of `status`: git and the cluster, read-only. The decisions are in model.ts. */

/** The stage's commits: the branch heads, and the one the cluster should run with its committer date. */
export async function readStageGit(git: Git, stage: StageConfig, remote: string | undefined): Promise<StageGit> {
  const state = await branchState(git, stage.branch, remote);
  const [head, headRef] =
    stage.platform === "kind"
      ? [await git.commit("HEAD"), "HEAD"]
      : state.remote
        ? [state.remote, `${remote}/${stage.branch}`]
        : [state.local, stage.branch];
  const committedAt = head ? (await git.run(["show", "-s", "--format=%cI", head])).trim() : undefined;
  return { branch: stage.branch, local: state.local, remote: state.remote, head, headRef, committedAt };
}

/** The Deployments committed in the stage's folder at `commit` (the files as Flux reads them). */
export async function readWantedDeployments(git: Git, commit: string, dir: string): Promise<WantedDeployment[]> {
  const files = [...(await git.filesAt(commit, dir))].filter(
    ([path]) => /\.ya?ml$/.test(path) && posix.basename(path) !== "kustomization.yaml",
  );
  const texts = await git.readObjects(files.map(([, id]) => id));
  return files.flatMap(([path, id]) =>
    parseObjects(texts.get(id) ?? "", `${path} at ${commit.slice(0, 12)}`)
      .filter((object) => object.kind === "Deployment")
      .map((object) => {
        const deployment = object as DeploymentObject;
        return {
          namespace: deployment.metadata.namespace ?? "default",
          name: deployment.metadata.name,
          images: containerImages(deployment),
        };
      }),
  );
}

/** Every kubectl call of `status` is bounded; a failure is the cluster being out of reach. */
async function readJson(
  session: Session,
  step: { title: string; argv: string[] },
  signal: AbortSignal,
): Promise<KubeObject[]> {
  const result = await session.read(
    { ...step, argv: [...step.argv, statusReadTimeout], tolerateFailure: true },
    { signal },
  );
  if (result.exitCode !== 0)
    throw new Jore4FluxError(`${step.title} failed: ${firstLine(result.stderr)}`, { exitCode: ExitCode.failed });
  return items(result.stdout);
}

/**
 * What the stage's cluster reports, through the stage's context; unreachable with kubectl's reason.
 * The whole read is bounded: a call still running after statusReadSeconds, or when `deadline`
 * aborts (`--watch`'s timeout), is killed and the cluster reported unreachable for that reason.
 */
export async function readCluster(
  session: Session,
  context: string,
  stage: StageConfig,
  namespace: string,
  wanted: readonly WantedDeployment[],
  deadline?: AbortSignal,
): Promise<ClusterFacts> {
  const kubectl = kubectlSteps(context);
  const bound = AbortSignal.timeout(statusReadSeconds * 1000);
  const signal = deadline ? AbortSignal.any([bound, deadline]) : bound;
  try {
    const [found] = await readJson(
      session,
      kubectl.get(`read namespace ${namespace}`, ["namespace", namespace, "--ignore-not-found"]),
      signal,
    );
    const flux = stage.platform === "kind" ? undefined : await readFluxSync(session, context, session.config, signal);
    const deployments: KubeObject[] = [];
    for (const ns of [...new Set(wanted.map((deployment) => deployment.namespace))])
      deployments.push(
        ...(await readJson(
          session,
          kubectl.get(`read the Deployments in ${ns}`, ["deployments.apps", "-n", ns]),
          signal,
        )),
      );
    return {
      reachable: true,
      ...(flux ? { flux } : {}),
      ...(stage.platform === "kind" && found ? { recorded: recordedDeploy(found) } : {}),
      deployments,
    };
  } catch (error) {
    if (error instanceof Jore4FluxError && error.exitCode === ExitCode.failed)
      return { reachable: false, error: `context ${context}: ${signal.aborted ? stopped(deadline) : error.message}` };
    throw error;
  }
}

/** Why a stage's read was stopped: the deadline's own reason, else the stage's bound. */
function stopped(deadline: AbortSignal | undefined): string {
  if (deadline?.aborted && deadline.reason instanceof Error) return deadline.reason.message;
  return `no answer within ${statusReadSeconds} s`;
}

/** Everything `status` needs to know about one stage; `deadline` (`--watch`'s) stops its cluster read. */
export async function readStageFacts(
  session: Session,
  git: Git,
  remote: string | undefined,
  stage: StageConfig,
  target: { context: string; namespace: string },
  deadline?: AbortSignal,
): Promise<StageFacts> {
  const stageGit = await readStageGit(git, stage, remote);
  const wanted = stageGit.head
    ? await readWantedDeployments(git, stageGit.head, posix.join(session.config.paths.clusters, stage.name))
    : [];
  return {
    stage: stage.name,
    platform: stage.platform,
    ...target,
    git: stageGit,
    wanted,
    cluster: await readCluster(session, target.context, stage, target.namespace, wanted, deadline),
  };
}
