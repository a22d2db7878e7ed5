import { overlayFiles, type SourceFiles } from "../io/source-files.ts";
import { writeFiles } from "../io/tree.ts";
import { sharedServiceNames } from "../values/load.ts";
import { setImageInText } from "../values/set-image.ts";
import { applyPlan, planProject, type ProjectPlan, type WriteOptions } from "./generate.ts";

/** An image to set for a service (a change of the values; `ImageChange` in promotion/images.ts is one seen between two commits). */
export interface ImageSetting {
  service: string;
  image: string;
}

/** Images set in one values file, rendered and validated with the whole configuration, not yet written. */
export interface PlannedImages {
  valuesFile: string;
  text: string;
  changedValues: boolean;
  planned: ProjectPlan;
  /** The files of clusters/ (and the bundle) that the change rewrites or removes. */
  changedClusters: string[];
}

/** Sets each image in `valuesFile` in memory and plans one regeneration; throws before anything is written. */
export function planImages(
  root: string,
  files: SourceFiles,
  valuesDir: string,
  valuesFile: string,
  changes: readonly ImageSetting[],
): PlannedImages {
  const before = files.read(valuesFile) ?? "";
  const known = sharedServiceNames(files, valuesDir);
  const text = changes.reduce(
    (current, change) => setImageInText(valuesFile, current, change.service, change.image, known),
    before,
  );
  const planned = planProject(root, overlayFiles(files, { [valuesFile]: text }));
  const changedClusters = [
    ...planned.plan.writes.map((write) => write.path),
    ...planned.plan.removals.map((file) => file.path),
  ];
  return { valuesFile, text, changedValues: text !== before, planned, changedClusters };
}

export function applyImages(root: string, images: PlannedImages, options: WriteOptions): void {
  if (images.changedValues) writeFiles(root, [{ path: images.valuesFile, text: images.text }]);
  applyPlan(root, images.planned, options);
}
