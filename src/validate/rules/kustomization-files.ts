import { kustomizationFileName } from "../../render/stage.ts";
import type { StageRule } from "../finding.ts";

export const kustomizationFiles: StageRule = {
  id: "kustomization-files",
  category: "reference",
  severity: "error",
  summary: "kustomization.yaml lists exactly the files present in the stage folder",
  hint: "run `npx jore4-flux generate`; files added by hand belong in manifests/<stage>/",
  run(stage) {
    const kustomization = stage.kustomization;
    if (!kustomization)
      return [
        {
          location: { file: `${stage.dir}/${kustomizationFileName}`, line: 1, column: 1 },
          message: `stage ${stage.stage.name} has no ${kustomizationFileName}`,
        },
      ];
    const resources = Array.isArray(kustomization.object.resources)
      ? (kustomization.object.resources as unknown[]).map(String)
      : [];
    const present = stage.fileNames.filter((name) => name !== kustomizationFileName);
    const presentSet = new Set(present);
    const listed = new Set(resources);
    const missing = resources
      .map((name, index) => ({ name, index }))
      .filter(({ name }) => !presentSet.has(name))
      .map(({ name, index }) => ({
        object: kustomization,
        path: ["resources", index],
        message: `lists ${name}, which is not in ${stage.dir}/`,
      }));
    const unlisted = present
      .filter((name) => !listed.has(name))
      .map((name) => ({
        object: kustomization,
        path: ["resources"],
        message: `${stage.dir}/${name} is not listed, so it is never applied`,
      }));
    return [...missing, ...unlisted];
  },
};
