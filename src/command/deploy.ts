import { deployCluster } from "../cluster/deploy-cluster.ts";
import { deployCrds } from "../cluster/deploy-crds.ts";
import type { CrdStep } from "../cluster/step.ts";
import { resolveTarget } from "../cluster/target.ts";
import { printJson, type Context } from "../context.ts";
import { clusterDeployOptions, sessionFor, type ClusterOptions, type GlobalOptions } from "./shell.ts";

/** The guard options of every cluster-changing command (src/cli/options.ts, withGuardOptions). */
export interface GuardOptions extends GlobalOptions {
  context?: string | undefined;
  yes?: true | undefined;
  dryRun?: true | undefined;
}

async function crds(
  options: GuardOptions & { stage: string; skip: CrdStep[]; wait: boolean; timeout: number },
  context: Context,
): Promise<void> {
  const session = sessionFor(context, options);
  const target = await resolveTarget(session, options.stage, options);
  await deployCrds(session, target, {
    skip: options.skip,
    wait: options.wait,
    timeoutSeconds: options.timeout,
  });
}

async function cluster(
  options: GuardOptions & ClusterOptions & { stage: string; json?: true | undefined },
  context: Context,
): Promise<void> {
  const { stage } = options;
  const session = sessionFor(context, options);
  const target = await resolveTarget(session, stage, options);
  const result = await deployCluster(session, target, clusterDeployOptions(options));
  if (options.json)
    printJson(context, {
      stage,
      context: target.context,
      applied: !options.serverDryRun && !options.dryRun,
      changes: result.changes.map(({ object, change }) => ({ object, change })),
      pruned: result.pruned,
    });
}

export const run = { crds, cluster };
