import assert from "node:assert/strict";
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { crdsDir } from "../../src/cluster/crd-sources.ts";
import { diskFiles } from "../../src/io/source-files.ts";
import { loadProject } from "../../src/values/load.ts";
import { runCli, type CliResult } from "./cli.ts";
import type { Cluster } from "./cluster.ts";
import { repoRoot as repositoryRoot } from "./repo-fixture.ts";
import { createStageRepo, git, type StageRepo } from "./stage-repo.ts";

/** What kubectl shows of the stage's Flux Kustomization. */
export interface FluxKustomization {
  status?: {
    lastAppliedRevision?: string;
    lastAttemptedRevision?: string;
    conditions?: { type: string; status: string; reason: string; message: string }[];
  };
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
  /** Runs jore4-flux in the repository against the test cluster; fails the test on a non-zero exit. */
  cli(...args: string[]): Promise<CliResult>;
  remoteHead(branch: string): Promise<string>;
  kustomization(): Promise<FluxKustomization>;
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
  const { namespace: fluxNamespace, syncName } = project.config.flux;
  const context = cluster.contexts[stage]!;
  const cli = async (...args: string[]) => {
    const result = await runCli(repo.root, args, cluster.env as Record<string, string>);
    assert.equal(result.exitCode, 0, `jore4-flux ${args.join(" ")}:\n${result.stderr}`);
    return result;
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
    cli,
    remoteHead: async (branch) => (await git(repo.root, "ls-remote", "origin", `refs/heads/${branch}`)).split(/\s/)[0]!,
    kustomization: async () =>
      JSON.parse(
        await cluster.kubectl(["get", "kustomization", syncName, "-n", fluxNamespace, "-o", "json"]),
      ) as FluxKustomization,
    commitAndPush,
    bootstrap: async () => {
      // The Secrets Store driver's Helm chart cannot be downloaded here; its CRDs are installed.
      await cli("deploy", "crds", stage, "--context", context, "--skip", "secret-store-driver");
      await cluster.startFlux();
      return cli("deploy", "cluster", stage, "--context", context);
    },
  };
}
