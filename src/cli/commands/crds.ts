import { Command } from "@commander-js/extra-typings";
import { checkOption } from "../options.ts";
import type * as Core from "../../command/crds.ts";
import { globals, type CommandEntry } from "../registry.ts";

export const crds: CommandEntry<typeof Core> = {
  define(context, core) {
    const crds = new Command("crds").description(
      "the committed cluster prerequisites in crds/ (Flux, Secrets Store CSI driver CRDs, ingress-nginx for kind)",
    );
    crds
      .command("build")
      .description("reassemble crds/ from the pinned Go modules (go mod download + kustomize build)")
      .addOption(checkOption("crds/"))
      .addHelpText("after", "\nExamples:\n  $ jore4-flux crds build\n  $ jore4-flux crds build --check")
      .action(async (options, command) => (await core()).run.build({ ...globals(command), ...options }, context));
    return crds;
  },
  run: () => import("../../command/crds.ts"),
};
