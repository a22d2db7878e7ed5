import { existsSync } from "node:fs";
import { join } from "node:path";
import { loadProjectConfig } from "../config/load.ts";
import { findStage } from "../config/project.ts";
import { print, progress, type Context } from "../context.ts";
import { ExitCode, Jore4FluxError } from "../errors.ts";
import { diskFiles } from "../io/source-files.ts";
import { restoreInterrupted } from "../io/tree.ts";
import { kustomizeBuild } from "../tools/run.ts";
import { repositoryRoot, type GlobalOptions } from "./shell.ts";

export async function run(options: GlobalOptions & { stage: string }, context: Context): Promise<void> {
  const root = repositoryRoot(context, options);
  const { config } = loadProjectConfig(diskFiles(root));
  const stage = findStage(config, options.stage);
  const dir = `${config.paths.clusters}/${stage.name}`;
  restoreInterrupted(root, [config.paths.clusters, config.paths.compose], (line) => progress(context, line));
  if (!existsSync(join(root, dir, "kustomization.yaml"))) {
    throw new Jore4FluxError(`${dir}/kustomization.yaml does not exist`, {
      exitCode: ExitCode.invalid,
      hint: "run `npx jore4-flux generate` first",
    });
  }
  print(context, await kustomizeBuild(context, root, dir));
}
