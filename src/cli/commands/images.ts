import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import { dryRunOption, jsonOption } from "../options.ts";
import type { LatestImage } from "../../images/latest.ts";
import { print, printJson, progress, type Context } from "../../context.ts";
import { repositoryRoot, writeOptions } from "../context.ts";

/** Looks up the newest image of each tracked service (all of them, or the named ones); nothing is written. */
async function lookUp(context: Context, root: string, names: string[]) {
  const { findLatestImage, trackedImages } = await import("../../images/latest.ts");
  const { imageRegistry } = await import("../../images/registry.ts");
  const { diskFiles } = await import("../../io/source-files.ts");
  const { loadProject, sharedValuesName } = await import("../../values/load.ts");
  const { parseYamlSource } = await import("../../io/yaml-source.ts");
  const files = diskFiles(root);
  const { config } = loadProject(files);
  const valuesFile = `${config.paths.values}/${sharedValuesName}.yaml`;
  const shared = parseYamlSource(valuesFile, files.read(valuesFile) ?? "").value as {
    services?: Record<string, { image?: unknown; tagPrefix?: unknown }>;
  };
  const tracked = trackedImages(valuesFile, shared.services ?? {}, names);
  const registry = imageRegistry({
    username: context.env.JORE4_FLUX_REGISTRY_USERNAME,
    password: context.env.JORE4_FLUX_REGISTRY_PASSWORD,
    progress: (line) => progress(context, line),
  });
  const images: LatestImage[] = [];
  for (const image of tracked) images.push(await findLatestImage(registry, image, (line) => progress(context, line)));
  return { files, config, valuesFile, images };
}

function describe(image: LatestImage): string {
  return image.changed
    ? `${image.service}: ${image.image} -> ${image.latest} (created ${image.created})`
    : `${image.service}: ${image.image} is the newest '${image.tagPrefix}' image (created ${image.created})`;
}

const credentialsHelp =
  "\nThe registry is the one the image names (Docker Hub when none); loopback registries are read over HTTP." +
  "\nJORE4_FLUX_REGISTRY_USERNAME and JORE4_FLUX_REGISTRY_PASSWORD give credentials (anonymous without).";

export function imagesCommand(context: Context): CommandUnknownOpts {
  const images = new Command("images").description(
    "look up each service's newest image with its tag prefix (services.<name>.tagPrefix) in its registry, and update the values to it",
  );
  images
    .command("latest")
    .description("print the newest image with the tag prefix of each service (or the named ones), by creation time")
    .argument("[services...]", "services to look up (default: every service with a tagPrefix)")
    .addOption(jsonOption())
    .addHelpText(
      "after",
      `\nExamples:\n  $ jore4-flux images latest\n  $ jore4-flux images latest ui --json${credentialsHelp}`,
    )
    .action(async (names, options, command) => {
      const { images: found } = await lookUp(context, repositoryRoot(context, command), names);
      if (options.json) printJson(context, { images: found });
      else for (const image of found) print(context, describe(image));
    });
  images
    .command("update")
    .description(
      "set each service (or the named ones) to its newest image with the tag prefix in values/common.yaml and regenerate once; nothing is written if any lookup fails",
    )
    .argument("[services...]", "services to update (default: every service with a tagPrefix)")
    .addOption(dryRunOption("print what would change, write nothing"))
    .addOption(jsonOption())
    .addHelpText(
      "after",
      `\nExamples:\n  $ jore4-flux images update ui\n  $ jore4-flux images update --dry-run --json${credentialsHelp}`,
    )
    .action(async (names, options, command) => {
      const { applyImages, planImages } = await import("../../generate/set-images.ts");
      const root = repositoryRoot(context, command);
      const { files, config, valuesFile, images: found } = await lookUp(context, root, names);
      const changes = found
        .filter((image) => image.changed)
        .map((image) => ({ service: image.service, image: image.latest }));
      const planned = planImages(root, files, config.paths.values, valuesFile, changes);
      if (!options.dryRun) applyImages(root, planned, writeOptions(context));
      if (options.json)
        printJson(context, {
          images: found,
          valuesFile,
          changedValues: planned.changedValues,
          changedClusters: planned.changedClusters,
          dryRun: Boolean(options.dryRun),
        });
      else {
        for (const image of found) progress(context, describe(image));
        for (const path of planned.changedClusters)
          progress(context, `${options.dryRun ? "would regenerate" : "regenerated"}: ${path}`);
        print(
          context,
          changes.length === 0
            ? "every image is the newest"
            : `${options.dryRun ? "would update" : "updated"} ${changes.map((change) => change.service).join(", ")}`,
        );
      }
    });
  return images;
}
