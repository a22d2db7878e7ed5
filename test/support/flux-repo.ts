import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { crdsDir } from "../../src/cluster/crd-sources.ts";
import type { Cluster } from "./cluster.ts";
import { projectRoot, createStageRepo, git, type StageRepo } from "./stage-repo.ts";

export interface FluxStageRepo extends StageRepo {
  /** Where the git server serves it: origin, and what Flux clones. */
  url: string;
}

/**
 * A stage repository served by the test cluster's git server as `name`: its origin and the URL
 * Flux clones are that server, Flux looks every `interval`, and the committed cluster
 * prerequisites are copied in (`deploy crds` reads them). Nothing is committed yet.
 */
export async function fluxStageRepo(cluster: Cluster, name: string, interval: string): Promise<FluxStageRepo> {
  const repo = await createStageRepo();
  const url = await cluster.git.serve(name, join(repo.dir, "remote.git"));
  await git(repo.root, "remote", "set-url", "origin", url);
  const configFile = join(repo.root, "jore4-flux.yaml");
  writeFileSync(
    configFile,
    readFileSync(configFile, "utf8")
      .replace(/^(\s+url:) .*$/m, `$1 ${url}`)
      .replace(/^(\s+interval:) .*$/m, `$1 ${interval}`),
  );
  cpSync(join(projectRoot, crdsDir), join(repo.root, crdsDir), { recursive: true });
  return { ...repo, url };
}

/** Commits everything on main and pushes it; returns the commit. */
export async function commitAndPush(root: string, message: string): Promise<string> {
  await git(root, "add", "--all");
  await git(root, "commit", "--quiet", "-m", message);
  await git(root, "push", "--quiet", "origin", "main");
  return git(root, "rev-parse", "HEAD");
}

/** The commit a branch of the remote points to. */
export async function remoteHead(root: string, branch: string): Promise<string> {
  return (await git(root, "ls-remote", "origin", `refs/heads/${branch}`)).split(/\s/)[0]!;
}

/** Valid for jore4-flux (generate accepts it), invalid for Kubernetes: a ConfigMap key with spaces. */
export function rejectedManifest(namespace: string): string {
  return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: broken\n  namespace: ${namespace}\ndata:\n  "not a key": x\n`;
}
