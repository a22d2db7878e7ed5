import { Command, Option } from "commander";
import { deployCluster } from "../../cluster/deploy-cluster.ts";
import { deployCrds, crdSteps } from "../../cluster/deploy-crds.ts";
import { parseImageOverride } from "../../cluster/objects.ts";
import { parseSeconds } from "../../cluster/rollout.ts";
import { openSession } from "../../cluster/session.ts";
import { resolveTarget } from "../../cluster/target.ts";
import { findRoot, out } from "../context.ts";

interface GuardOptions {
  context?: string;
  yes?: boolean;
  dryRun?: boolean;
}

/** The options every cluster-changing command has: the context guard, confirmation and dry run. */
export function withGuardOptions(command: Command): Command {
  return command
    .option("--context <name>", "the kube context to use (must be the stage's; default: the current context, checked the same way)")
    .option("--yes", "confirm a stage that asks for confirmation (prod) without a prompt")
    .option("--dry-run", "print the exact commands and objects; contact no cluster or cloud");
}

export function sessionFor(command: Command, options: GuardOptions) {
  return openSession(findRoot(command.optsWithGlobals().dir), { dryRun: options.dryRun ?? false, progress: out.progress, print: out.data });
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function clusterOptions(command: Command): Command {
  return command
    .option("--cluster <dir>", "the kustomize folder to apply, relative to the repository (default: clusters/<stage>)")
    .option("--set-image <image>", "replace an image for this deploy only: SERVICE=IMAGE (e.g. ui=hsldevcom/jore4-ui:latest), IMAGE-NAME=IMAGE, or IMAGE for the image of that name (repeatable)", collect, [])
    .option("--server-dry-run", "ask the cluster (server-side dry run) and print the semantic change; apply nothing")
    .option("--prune", "delete objects an earlier deploy of this stage applied that the stage no longer has")
    .option("--no-wait", "do not wait for the Deployments to roll out")
    .addOption(new Option("--timeout <seconds>", "how long to wait for the roll-out (e.g. 300, 5m)").default("300"));
}

export interface ClusterFlags extends GuardOptions {
  cluster?: string;
  setImage: string[];
  serverDryRun?: boolean;
  prune?: boolean;
  wait: boolean;
  timeout: string;
}

export function clusterDeployOptions(options: ClusterFlags) {
  return {
    cluster: options.cluster,
    images: options.setImage.map(parseImageOverride),
    serverDryRun: options.serverDryRun ?? false,
    prune: options.prune ?? false,
    wait: options.wait,
    timeoutSeconds: parseSeconds(options.timeout),
  };
}

export function deployCommand(): Command {
  const deploy = new Command("deploy").description("deploy CRDs and stages to their clusters (guarded by the stage's kube context)");
  withGuardOptions(
    deploy
      .command("crds")
      .description("install the cluster-wide prerequisites: Flux (pinned, crds/flux.yaml), and the Secrets Store CSI driver (AKS) or ingress-nginx (kind)")
      .argument("<stage>", "the stage whose cluster to prepare")
      .option("--skip <step>", `leave out a step (repeatable): ${crdSteps.join(", ")}`, collect, [])
      .option("--no-wait", "do not wait for the ingress controller")
      .addOption(new Option("--timeout <seconds>", "how long to wait for the ingress controller").default("180"))
      .addHelpText("after", "\nExamples:\n  $ jore4-flux deploy crds dev --dry-run\n  $ jore4-flux deploy crds e2e"),
  ).action(async (stage: string, options: GuardOptions & { skip: string[]; wait: boolean; timeout: string }, command: Command) => {
    const session = sessionFor(command, options);
    const target = await resolveTarget(session, stage, options);
    await deployCrds(session, target, { skip: options.skip, wait: options.wait, timeoutSeconds: parseSeconds(options.timeout) });
  });
  withGuardOptions(
    clusterOptions(
      deploy
        .command("cluster")
        .description("apply `kustomize build clusters/<stage>` with server-side apply (field manager jore4-flux), after the server validated every object")
        .argument("<stage>", "the stage to deploy"),
    ).addHelpText(
      "after",
      "\nExamples:\n  $ jore4-flux deploy cluster dev --server-dry-run   # what would change\n  $ jore4-flux deploy cluster dev --prune\n  $ jore4-flux deploy cluster prod --yes --timeout 10m",
    ),
  )
    .option("--json", "print what changed (or would change) per object as JSON")
    .action(async (stage: string, options: ClusterFlags & { json?: boolean }, command: Command) => {
      const session = sessionFor(command, options);
      const target = await resolveTarget(session, stage, options);
      const result = await deployCluster(options.json ? { ...session, print: () => {} } : session, target, clusterDeployOptions(options));
      if (options.json) out.json({ stage, context: target.context, applied: !options.serverDryRun && !options.dryRun, changes: result.changes.map(({ key, change }) => ({ object: key, change })), pruned: result.pruned });
    });
  return deploy;
}
