import { Command, Option } from "commander";
import { deployCluster } from "../../cluster/deploy-cluster.ts";
import { crdSteps, deployCrds } from "../../cluster/deploy-crds.ts";
import { parseSeconds } from "../../cluster/rollout.ts";
import { resolveTarget } from "../../cluster/target.ts";
import {
  clusterDeployOptions,
  clusterOptions,
  collect,
  sessionFor,
  withGuardOptions,
  type ClusterFlags,
  type GuardOptions,
} from "../cluster-options.ts";
import { printJson, type Context } from "../../context.ts";

export function deployCommand(context: Context): Command {
  const deploy = new Command("deploy").description(
    "deploy CRDs and stages to their clusters (guarded by the stage's kube context)",
  );
  withGuardOptions(
    deploy
      .command("crds")
      .description(
        "install the cluster-wide prerequisites: Flux (pinned, crds/flux.yaml), and the Secrets Store CSI driver (AKS) or ingress-nginx (kind)",
      )
      .argument("<stage>", "the stage whose cluster to prepare")
      .option("--skip <step>", `leave out a step (repeatable): ${crdSteps.join(", ")}`, collect, [])
      .option("--no-wait", "do not wait for the ingress controller")
      .addOption(new Option("--timeout <seconds>", "how long to wait for the ingress controller").default("180"))
      .addHelpText("after", "\nExamples:\n  $ jore4-flux deploy crds dev --dry-run\n  $ jore4-flux deploy crds e2e"),
  ).action(
    async (
      stage: string,
      options: GuardOptions & { skip: string[]; wait: boolean; timeout: string },
      command: Command,
    ) => {
      const session = sessionFor(context, command, options);
      const target = await resolveTarget(session, stage, options);
      await deployCrds(session, target, {
        skip: options.skip,
        wait: options.wait,
        timeoutSeconds: parseSeconds(options.timeout),
      });
    },
  );
  withGuardOptions(
    clusterOptions(
      deploy
        .command("cluster")
        .description(
          "apply `kustomize build clusters/<stage>` with server-side apply (field manager jore4-flux), after the server validated every object",
        )
        .argument("<stage>", "the stage to deploy"),
    ).addHelpText(
      "after",
      "\nExamples:\n  $ jore4-flux deploy cluster dev --server-dry-run   # what would change\n  $ jore4-flux deploy cluster dev --prune\n  $ jore4-flux deploy cluster prod --yes --timeout 10m",
    ),
  )
    .option("--json", "print what changed (or would change) per object as JSON")
    .action(async (stage: string, options: ClusterFlags & { json?: boolean }, command: Command) => {
      const session = sessionFor(context, command, options);
      const target = await resolveTarget(session, stage, options);
      const result = await deployCluster(session, target, clusterDeployOptions(options));
      if (options.json)
        printJson(context, {
          stage,
          context: target.context,
          applied: !options.serverDryRun && !options.dryRun,
          changes: result.changes.map(({ key, change }) => ({ object: key, change })),
          pruned: result.pruned,
        });
    });
  return deploy;
}
