import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import { printJson, type Context } from "../../context.ts";
import { jsonOption, sessionFor, timeoutOption, withGuardOptions } from "../options.ts";

export function uninstallCommand(context: Context): CommandUnknownOpts {
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
  ).action(async (stage, options, command) => {
    const { resolveTarget } = await import("../../cluster/target.ts");
    const { uninstallFlux } = await import("../../cluster/uninstall-flux.ts");
    const session = await sessionFor(context, command, options);
    const target = await resolveTarget(session, stage, options);
    const result = await uninstallFlux(session, target, { timeoutSeconds: options.timeout });
    // Applied: something was there and was removed (a second run finds nothing to do).
    const applied = !session.dryRun && (result.removed.length > 0 || result.unblocked.length > 0);
    if (options.json) printJson(context, { stage, context: target.context, applied, ...result });
  });
  return uninstall;
}
