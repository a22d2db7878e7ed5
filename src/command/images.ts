import { print, printJson, progress, type Context } from "../context.ts";
import { applyImages, planImages } from "../generate/set-images.ts";
import { findLatestImage, trackedImages, type LatestImage } from "../images/latest.ts";
import { imageRegistry } from "../images/registry.ts";
import { diskFiles } from "../io/source-files.ts";
import { parseYamlSource } from "../io/yaml-source.ts";
import { loadProject, sharedValuesName } from "../values/load.ts";
import { repositoryRoot, writeOptions, type GlobalOptions } from "./shell.ts";

/** Looks up the newest image of each tracked service (all of them, or the named ones); nothing is written. */
async function lookUp(context: Context, root: string, names: string[]) {
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

async function latest(
  options: GlobalOptions & { services: string[]; json?: true | undefined },
  context: Context,
): Promise<void> {
  const { images: found } = await lookUp(context, repositoryRoot(context, options), options.services);
  if (options.json) printJson(context, { images: found });
  else for (const image of found) print(context, describe(image));
}

async function update(
  options: GlobalOptions & { services: string[]; dryRun?: true | undefined; json?: true | undefined },
  context: Context,
): Promise<void> {
  const root = repositoryRoot(context, options);
  const { files, config, valuesFile, images: found } = await lookUp(context, root, options.services);
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
}

export const run = { latest, update };
