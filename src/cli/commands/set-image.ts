import { Command } from "commander";
import { findStage } from "../../config/project.ts";
import { applyPlan, planProject } from "../../generate/generate.ts";
import { isUpToDate, planDiff } from "../../generate/plan.ts";
import { diskFiles, overlayFiles } from "../../io/source-files.ts";
import { writeFiles } from "../../io/tree.ts";
import { loadProjectConfig, sharedServiceNames, sharedValuesName } from "../../values/load.ts";
import { setImageInText } from "../../values/set-image.ts";
import { repositoryRoot } from "../context.ts";
import { print, printJson, progress, type Context } from "../../context.ts";

export function setImageCommand(context: Context): Command {
  return new Command("set-image")
    .description(
      "set one service's image in the shared values (or a stage's override) and regenerate clusters/; what an image-bump job calls",
    )
    .argument("<service>", "service name, as under services: in values/common.yaml")
    .argument("<image>", "image reference, e.g. hsldevcom/jore4-ui:main--1a2b3c")
    .option("--stage <stage>", "write the stage's override file instead of the shared file")
    .option("--dry-run", "print what would change, write nothing")
    .option("--json", "print the result as JSON")
    .addHelpText(
      "after",
      "\nExamples:\n  $ jore4-flux set-image ui hsldevcom/jore4-ui:main--20261124\n  $ jore4-flux set-image hasura hsldevcom/jore4-hasura:hotfix--abc --stage prod",
    )
    .action(
      (
        service: string,
        image: string,
        options: { stage?: string; dryRun?: boolean; json?: boolean },
        command: Command,
      ) => {
        const root = repositoryRoot(context, command);
        const files = diskFiles(root);
        const { config } = loadProjectConfig(files);
        const fileName = options.stage ? findStage(config, options.stage).name : sharedValuesName;
        const valuesFile = `${config.paths.values}/${fileName}.yaml`;
        const before = files.read(valuesFile) ?? "";
        const after = setImageInText(
          valuesFile,
          before,
          service,
          image,
          sharedServiceNames(files, config.paths.values),
        );
        // Render and validate everything with the edit in memory; nothing is written unless all is valid.
        const planned = planProject(root, overlayFiles(files, { [valuesFile]: after }));
        const changedValues = after !== before;
        if (!options.dryRun) {
          if (changedValues) writeFiles(root, [{ path: valuesFile, text: after }]);
          applyPlan(root, planned);
        }
        const changedClusters = [
          ...planned.plan.writes.map((write) => write.path),
          ...planned.plan.removals.map((file) => file.path),
        ];
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
          if (options.dryRun && !isUpToDate(planned.plan)) print(context, planDiff(planned.plan));
        }
      },
    );
}
