import { loadProjectConfig } from "../config/load.ts";
import { findStage } from "../config/project.ts";
import { print, printJson, progress, type Context } from "../context.ts";
import { isUpToDate, planDiff } from "../generate/plan.ts";
import { applyImages, planImages } from "../generate/set-images.ts";
import { diskFiles } from "../io/source-files.ts";
import { sharedValuesName } from "../values/load.ts";
import { repositoryRoot, writeOptions, type GlobalOptions } from "./shell.ts";

export function run(
  options: GlobalOptions & {
    service: string;
    image: string;
    stage?: string | undefined;
    dryRun?: true | undefined;
    json?: true | undefined;
  },
  context: Context,
): void {
  const { service, image } = options;
  const root = repositoryRoot(context, options);
  const files = diskFiles(root);
  const { config } = loadProjectConfig(files);
  const fileName = options.stage ? findStage(config, options.stage).name : sharedValuesName;
  const valuesFile = `${config.paths.values}/${fileName}.yaml`;
  // Render and validate everything with the edit in memory; nothing is written unless all is valid.
  const planned = planImages(root, files, config.paths.values, valuesFile, [{ service, image }]);
  if (!options.dryRun) applyImages(root, planned, writeOptions(context));
  const { changedValues, changedClusters } = planned;
  if (options.json)
    printJson(context, {
      service,
      image,
      valuesFile,
      changedValues,
      changedClusters,
      dryRun: Boolean(options.dryRun),
    });
  else {
    progress(
      context,
      changedValues
        ? `${valuesFile}: services.${service}.image = ${image}`
        : `${valuesFile}: services.${service}.image is already ${image}`,
    );
    for (const path of changedClusters)
      progress(context, `${options.dryRun ? "would regenerate" : "regenerated"}: ${path}`);
    if (options.dryRun && !isUpToDate(planned.planned.plan)) print(context, planDiff(planned.planned.plan));
  }
}
