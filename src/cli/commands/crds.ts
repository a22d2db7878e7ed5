import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import type { Context } from "../../context.ts";
import { repositoryRoot } from "../context.ts";
import { checkOption } from "../options.ts";

export function crdsCommand(context: Context): CommandUnknownOpts {
  const crds = new Command("crds").description(
    "the committed cluster prerequisites in crds/ (Flux, Secrets Store CSI driver CRDs, ingress-nginx for kind)",
  );
  crds
    .command("build")
    .description("reassemble crds/ from the pinned Go modules (go mod download + kustomize build)")
    .addOption(checkOption("crds/"))
    .addHelpText("after", "\nExamples:\n  $ jore4-flux crds build\n  $ jore4-flux crds build --check")
    .action(async (options, command) => {
      const { reportPlan } = await import("../committed.ts");
      const { buildCrdFiles } = await import("../../cluster/crds-build.ts");
      const { applyFiles, crdsDir, planFiles } = await import("../../generate/committed.ts");
      const root = repositoryRoot(context, command);
      const plan = planFiles(root, await buildCrdFiles(context, root), [crdsDir]);
      if (!options.check) applyFiles(root, plan, crdsDir);
      reportPlan(context, plan, { check: options.check ?? false, what: "crds/", fix: "npx jore4-flux crds build" });
    });
  return crds;
}
