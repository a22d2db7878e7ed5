import { Command } from "@commander-js/extra-typings";
import {
  clusterOptions,
  jsonOption,
  noWaitForIngressOption,
  skipOption,
  timeoutOption,
  withGuardOptions,
} from "../options.ts";
import type * as Core from "../../command/deploy.ts";
import { globals, type CommandEntry } from "../registry.ts";

export const deploy: CommandEntry<typeof Core> = {
  define(context, core) {
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
        .addOption(noWaitForIngressOption())
        .addOption(timeoutOption("--timeout <duration>", "how long to wait for the ingress controller", 180))
        .addHelpText("after", "\nExamples:\n  $ jore4-flux deploy crds dev --dry-run\n  $ jore4-flux deploy crds e2e"),
    ).action(async (stage, options, command) =>
      (await core()).run.crds({ ...globals(command), ...options, stage }, context),
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
      .addOption(jsonOption("print what changed (or would change) per object as JSON"))
      .action(async (stage, options, command) =>
        (await core()).run.cluster({ ...globals(command), ...options, stage }, context),
      );
    return deploy;
  },
  run: () => import("../../command/deploy.ts"),
};
