import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import {
  clusterDeployOptions,
  clusterOptions,
  jsonOption,
  sessionFor,
  skipOption,
  timeoutOption,
  withGuardOptions,
} from "../options.ts";
import { printJson, type Context } from "../../context.ts";

export function deployCommand(context: Context): CommandUnknownOpts {
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
      .addOption(skipOption())
      .option("--no-wait", "do not wait for the ingress controller")
      .addOption(timeoutOption("--timeout <duration>", "how long to wait for the ingress controller", 180))
      .addHelpText("after", "\nExamples:\n  $ jore4-flux deploy crds dev --dry-run\n  $ jore4-flux deploy crds e2e"),
  ).action(async (stage, options, command) => {
    const { deployCrds } = await import("../../cluster/deploy-crds.ts");
    const { resolveTarget } = await import("../../cluster/target.ts");
    const session = await sessionFor(context, command, options);
    const target = await resolveTarget(session, stage, options);
    await deployCrds(session, target, {
      skip: options.skip,
      wait: options.wait,
      timeoutSeconds: options.timeout,
    });
  });
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
    .addOption(jsonOption("print what changed (or would change) per object as JSON"))
    .action(async (stage, options, command) => {
      const { deployCluster } = await import("../../cluster/deploy-cluster.ts");
      const { resolveTarget } = await import("../../cluster/target.ts");
      const session = await sessionFor(context, command, options);
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
    });
  return deploy;
}
