import { existsSync } from "node:fs";
import { join } from "node:path";
import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import { ExitCode, Jore4FluxError } from "../../errors.ts";
import { repositoryRoot } from "../context.ts";
import { print, progress, type Context } from "../../context.ts";

export function buildCommand(context: Context): CommandUnknownOpts {
  return new Command("build")
    .description("print the real `kustomize build` of clusters/<stage>: exactly what Flux or deploy applies")
    .argument("<stage>", "stage name from jore4-flux.yaml")
    .addHelpText("after", "\nExamples:\n  $ jore4-flux build dev\n  $ jore4-flux build e2e | kubectl diff -f -")
    .action(async (stageName, _options, command) => {
      const { findStage } = await import("../../config/project.ts");
      const { diskFiles } = await import("../../io/source-files.ts");
      const { kustomizeBuild } = await import("../../tools/run.ts");
      const { loadProjectConfig } = await import("../../config/load.ts");
      const root = repositoryRoot(context, command);
      const { config } = loadProjectConfig(diskFiles(root));
      const stage = findStage(config, stageName);
      const dir = `${config.paths.clusters}/${stage.name}`;
      const { restoreInterrupted } = await import("../../io/tree.ts");
      restoreInterrupted(root, [config.paths.clusters, config.paths.compose], (line) => progress(context, line));
      if (!existsSync(join(root, dir, "kustomization.yaml"))) {
        throw new Jore4FluxError(`${dir}/kustomization.yaml does not exist`, {
          exitCode: ExitCode.invalid,
          hint: "run `npx jore4-flux generate` first",
        });
      }
      print(context, await kustomizeBuild(context, root, dir));
    });
}
