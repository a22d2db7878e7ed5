import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import { repositoryRoot, writeOptions } from "../context.ts";
import { print, printJson, progress, type Context } from "../../context.ts";
import { dryRunOption, jsonOption } from "../options.ts";

export function setImageCommand(context: Context): CommandUnknownOpts {
  return new Command("set-image")
    .description(
      "set one service's image in the shared values (or a stage's override) and regenerate clusters/; what an image-bump job calls",
    )
    .argument("<service>", "service name, as under services: in values/common.yaml")
    .argument("<image>", "image reference, e.g. hsldevcom/jore4-ui:main--1a2b3c")
    .option("--stage <stage>", "write the stage's override file instead of the shared file")
    .addOption(dryRunOption("print what would change, write nothing"))
    .addOption(jsonOption("print the result as JSON"))
    .addHelpText(
      "after",
      "\nExamples:\n  $ jore4-flux set-image ui hsldevcom/jore4-ui:main--20261124\n  $ jore4-flux set-image hasura hsldevcom/jore4-hasura:pr-123--4f2a9c1 --stage e2e",
    )
    .action(async (service, image, options, command) => {
      const { findStage } = await import("../../config/project.ts");
      const { isUpToDate, planDiff } = await import("../../generate/plan.ts");
      const { applyImages, planImages } = await import("../../generate/set-images.ts");
      const { diskFiles } = await import("../../io/source-files.ts");
      const { loadProjectConfig } = await import("../../config/load.ts");
      const { sharedValuesName } = await import("../../values/load.ts");
      const root = repositoryRoot(context, command);
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
    });
}
