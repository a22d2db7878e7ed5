import assert from "node:assert/strict";
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { parseAllDocuments } from "yaml";
import { crdsDir } from "../../src/cluster/crd-sources.ts";
import { parseSeconds } from "../../src/cluster/rollout.ts";
import { diskFiles } from "../../src/io/source-files.ts";
import type { FluxKustomization } from "../../src/history/live.ts";
import { loadProject } from "../../src/values/load.ts";
import { runCli, type CliResult } from "./cli.ts";
import type { Cluster } from "./cluster.ts";
import { repoRoot as repositoryRoot } from "./repo-fixture.ts";
import { createStageRepo, git, type StageRepo } from "./stage-repo.ts";

export interface Deployment {
  metadata: { name: string; namespace?: string; generation: number; labels?: Record<string, string> };
  spec: { replicas: number; template: { spec: { containers: { image: string }[] } } };
  status?: {
    observedGeneration?: number;
    updatedReplicas?: number;
    availableReplicas?: number;
    replicas?: number;
    conditions?: { type: string; status: string }[];
  };
}

/** Rolled out: the controller saw the latest spec, and every replica is updated and available. */
export const rolledOut = (deployment: Deployment) =>
  (deployment.status?.observedGeneration ?? 0) >= deployment.metadata.generation &&
  deployment.status?.updatedReplicas === deployment.spec.replicas &&
  deployment.status?.availableReplicas === deployment.spec.replicas &&
  deployment.status?.replicas === deployment.spec.replicas &&
  deployment.status?.conditions?.some((condition) => condition.type === "Available" && condition.status === "True");

/** Polls `check` until it returns a value, at most `seconds`; fails with the last error and `state()`. */
export async function eventually<T>(
  what: string,
  seconds: number,
  check: () => Promise<T | undefined>,
  state: () => Promise<string> = async () => "",
): Promise<{ value: T; seconds: number }> {
  const started = Date.now();
  let last: unknown;
  while (Date.now() - started < seconds * 1000) {
    try {
      const value = await check();
      if (value !== undefined) return { value, seconds: (Date.now() - started) / 1000 };
    } catch (error) {
      last = error;
    }
    await sleep(500);
  }
  throw new Error(
    `${what}: not within ${seconds} s${last ? ` (last error: ${String(last)})` : ""}\n${await state().catch(String)}`,
  );
}

/**
 * A stage repository on the test cluster's git server that Flux syncs: its jore4-flux.yaml points
 * Flux at the git server with a short interval, every stage branch is promoted and pushed, and the
 * namespace and Flux sync earlier suites left are gone. The helpers drive it through the CLI only.
 */
export interface FluxStage {
  repo: StageRepo;
  stage: string;
  context: string;
  namespace: string;
  fluxNamespace: string;
  syncName: string;
  sourceName: string;
  intervalSeconds: number;
  /** Runs jore4-flux in the repository against the test cluster; fails the test on a non-zero exit. */
  cli(...args: string[]): Promise<CliResult>;
  remoteHead(branch: string): Promise<string>;
  kustomization(): Promise<FluxKustomization>;
  deployments(): Promise<Map<string, Deployment>>;
  /** The image the stage's Deployment `name` runs (its first container, as the cluster holds it). */
  liveImage(name: string): Promise<string>;
  /** The images of the services' Deployments in clusters/<stage> on the remote stage branch. */
  branchImages(): Promise<Map<string, string>>;
  /** `eventually`, failing with the Kustomization's status. */
  eventually<T>(
    what: string,
    seconds: number,
    check: () => Promise<T | undefined>,
  ): Promise<{ value: T; seconds: number }>;
  /**
   * Flux applies the remote stage branch's head within `applySeconds` (its Kustomization's
   * lastAppliedRevision), and then every Deployment of the branch rolls out with its image.
   */
  liveAtHead(applySeconds: number): Promise<{ head: string; live: Map<string, Deployment>; appliedSeconds: number }>;
  /** Commits everything on main and pushes it. */
  commitAndPush(message: string): Promise<string>;
  /** deploy crds and deploy cluster for the stage, with the Flux controllers running. */
  bootstrap(): Promise<CliResult>;
}

/** `name`: the repository's name on the git server (one per suite); `interval`: Flux's (jore4-flux.yaml's flux.interval). */
export async function fluxStage(
  cluster: Cluster,
  { name, interval, stage = "dev" }: { name: string; interval: string; stage?: string },
): Promise<FluxStage> {
  const repo = await createStageRepo();
  // Flux clones over smart HTTP from the cluster's git server; the user pushes there too.
  const url = await cluster.git.serve(name, join(repo.dir, "remote.git"));
  await git(repo.root, "remote", "set-url", "origin", url);
  const configFile = join(repo.root, "jore4-flux.yaml");
  writeFileSync(
    configFile,
    readFileSync(configFile, "utf8")
      .replace(/^(\s+url:) .*$/m, `$1 ${url}`)
      .replace(/^(\s+interval:) .*$/m, `$1 ${interval}`),
  );
  const project = loadProject(diskFiles(repo.root));
  assert.equal(project.config.repository.url, url);
  assert.equal(project.config.flux.interval, interval);
  const model = project.stages.find((candidate) => candidate.stage.name === stage)!;
  const namespace = model.values.namespace;
  const { namespace: fluxNamespace, syncName, sourceName } = project.config.flux;
  const context = cluster.contexts[stage]!;
  const cli = async (...args: string[]) => {
    const result = await runCli(repo.root, args, cluster.env as Record<string, string>);
    assert.equal(result.exitCode, 0, `jore4-flux ${args.join(" ")}:\n${result.stderr}`);
    return result;
  };
  const remoteHead = async (branch: string) =>
    (await git(repo.root, "ls-remote", "origin", `refs/heads/${branch}`)).split(/\s/)[0]!;
  const kustomization = async () =>
    JSON.parse(
      await cluster.kubectl(["get", "kustomization", syncName, "-n", fluxNamespace, "-o", "json"]),
    ) as FluxKustomization;
  const deployments = async () =>
    new Map(
      (
        JSON.parse(await cluster.kubectl(["get", "deployments", "-n", namespace, "-o", "json"])) as {
          items: Deployment[];
        }
      ).items.map((item) => [item.metadata.name, item]),
    );
  const liveImage = (name: string) =>
    cluster.kubectl([
      "get",
      "deployment",
      name,
      "-n",
      namespace,
      "-o",
      "jsonpath={.spec.template.spec.containers[0].image}",
    ]);
  const branchImages = async () => {
    const files = (await git(repo.root, "ls-tree", "--name-only", `origin/${stage}`, `clusters/${stage}/`))
      .split("\n")
      .filter((file) => file.endsWith(".yaml"));
    const images = new Map<string, string>();
    for (const file of files)
      for (const document of parseAllDocuments(await git(repo.root, "show", `origin/${stage}:${file}`))) {
        const object = document.toJS() as Deployment & { kind?: string };
        // The stage's services (Flux's own notification Deployment lives in the Flux namespace).
        if (object?.kind === "Deployment" && object.metadata.namespace === namespace)
          images.set(object.metadata.name, object.spec.template.spec.containers[0]!.image);
      }
    return images;
  };
  const withStatus = <T>(what: string, seconds: number, check: () => Promise<T | undefined>) =>
    eventually(
      what,
      seconds,
      check,
      async () => `Kustomization status: ${JSON.stringify((await kustomization()).status ?? {}, null, 2)}`,
    );
  const liveAtHead = async (applySeconds: number) => {
    const head = await remoteHead(stage);
    const wanted = await branchImages();
    const applied = await withStatus(`Flux applies ${stage}@sha1:${head}`, applySeconds, async () =>
      (await kustomization()).status?.lastAppliedRevision === `${stage}@sha1:${head}` ? true : undefined,
    );
    const { value: live } = await withStatus(`${stage}@sha1:${head} rolls out`, 60, async () => {
      const live = await deployments();
      for (const [name, image] of wanted) {
        const deployment = live.get(name);
        if (!deployment || deployment.spec.template.spec.containers[0]!.image !== image || !rolledOut(deployment))
          return undefined;
      }
      return live;
    });
    return { head, live, appliedSeconds: applied.seconds };
  };
  const commitAndPush = async (message: string) => {
    await git(repo.root, "add", "--all");
    await git(repo.root, "commit", "--quiet", "-m", message);
    await git(repo.root, "push", "--quiet", "origin", "main");
    return git(repo.root, "rev-parse", "HEAD");
  };

  // The repository carries the committed cluster prerequisites too (deploy crds reads them).
  cpSync(join(repositoryRoot, crdsDir), join(repo.root, crdsDir), { recursive: true });
  await cli("generate");
  await commitAndPush(`Flux syncs from the test git server every ${interval}`);
  for (const [from, to] of [
    ["main", "dev"],
    ["dev", "test"],
    ["test", "prod"],
  ] as const)
    await cli("promote", from, to, "--push", "--yes");
  // Earlier suites deployed the stages directly or synced another repository: start from an empty namespace and no Flux sync.
  if ((await cluster.kubectl(["get", "crd", "-o", "name"])).includes("kustomizations.kustomize.toolkit.fluxcd.io"))
    await cluster.kubectl(["delete", "kustomizations,gitrepositories", "--all", "-n", fluxNamespace]);
  await cluster.kubectl(["delete", "namespace", namespace, "--ignore-not-found", "--timeout=120s"]);

  return {
    repo,
    stage,
    context,
    namespace,
    fluxNamespace,
    syncName,
    sourceName,
    intervalSeconds: parseSeconds(interval),
    cli,
    remoteHead,
    kustomization,
    deployments,
    liveImage,
    branchImages,
    eventually: withStatus,
    liveAtHead,
    commitAndPush,
    bootstrap: async () => {
      // The Secrets Store driver's Helm chart cannot be downloaded here; its CRDs are installed.
      await cli("deploy", "crds", stage, "--context", context, "--skip", "secret-store-driver");
      await cluster.startFlux();
      return cli("deploy", "cluster", stage, "--context", context);
    },
  };
}
