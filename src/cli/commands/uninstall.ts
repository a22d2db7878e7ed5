import { Command } from "@commander-js/extra-typings";
import type * as Core from "../../command/uninstall.ts";
import { jsonOption, timeoutOption, withGuardOptions } from "../options.ts";
import { globals, type CommandEntry } from "../registry.ts";

export const uninstall: CommandEntry<typeof Core> = {
  define(context, core) {
    const uninstall = new Command("uninstall").description("remove what `deploy crds` installed (guarded like deploy)");
    withGuardOptions(
      uninstall
        .command("flux")
        .description(
          "remove Flux from a stage's cluster: its controllers, RBAC, CRDs and namespace (crds/flux.yaml); the workloads it applied stay",
        )
        .argument("<stage>", "the stage whose cluster to remove Flux from")
        .addOption(
          timeoutOption(
            "--timeout <duration>",
            "how long the namespace may hang in Terminating before its finalizers are cleared",
            60,
          ),
        )
        .addOption(jsonOption("print what was done as JSON"))
        .addHelpText(
          "after",
          `
The README's troubleshooting steps as one command. In order: suspend every Flux object (so that
deleting a Kustomization prunes nothing), delete the controllers, remove the Flux objects'
finalizers, delete the CRDs and the namespace. When the namespace hangs in Terminating past
--timeout, its finalizers are cleared through the namespace's finalize subresource
(kubectl replace --raw /api/v1/namespaces/<ns>/finalize).

Examples:
  $ jore4-flux uninstall flux dev --dry-run
  $ jore4-flux uninstall flux prod --yes`,
        ),
    ).action(async (stage, options, command) =>
      (await core()).run.flux({ ...globals(command), ...options, stage }, context),
    );
    return uninstall;
  },
  run: () => import("../../command/uninstall.ts"),
};
