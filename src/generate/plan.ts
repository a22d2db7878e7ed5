import { createTwoFilesPatch } from "diff";
import { filePieces, isGeneratedText, isJoinedText } from "../render/yaml-text.ts";
import type { RenderedBundle } from "../compose/bundle.ts";
import type { RenderedStage } from "../render/stage.ts";

export interface ExistingFile {
  /** Path relative to the repository root. */
  path: string;
  text: string;
}

export interface FileWrite {
  path: string;
  text: string;
  /** The text it replaces, when the file exists. */
  previous: string | undefined;
}

/** What `generate` would do; computed without touching the disk, applied only when complete. */
export interface GeneratePlan {
  writes: FileWrite[];
  /** Files generated earlier that are no longer produced. */
  removals: ExistingFile[];
  unchanged: string[];
  /** Files in the clusters folder that were not generated: left alone, and reported. */
  foreign: string[];
}

/** A bundle's folder is generated whole (its secret files carry no marker), so anything else in it is removed. */
export function planGenerate(
  stages: readonly RenderedStage[],
  existing: readonly ExistingFile[],
  bundles: readonly RenderedBundle[] = [],
): GeneratePlan {
  const current = new Map(existing.map((file) => [file.path, file.text]));
  const inBundle = (path: string) => bundles.some((bundle) => path.startsWith(`${bundle.dir}/`));
  const plan: GeneratePlan = { writes: [], removals: [], unchanged: [], foreign: [] };
  const wanted = new Set<string>();
  // Each rendering is compared in pieces with the file as soon as it is written, and joined into a
  // text only when it differs: the texts of all stages held at once (12 MB at 50 stages × 100
  // services) outlived young collections.
  const compare = (path: string, pieces: readonly string[]) => {
    wanted.add(path);
    const previous = current.get(path);
    if (previous !== undefined && isJoinedText(previous, pieces)) plan.unchanged.push(path);
    else plan.writes.push({ path, text: pieces.join(""), previous });
  };
  for (const stage of stages) for (const file of stage.files) compare(`${stage.dir}/${file.name}`, filePieces(file));
  for (const bundle of bundles) for (const file of bundle.files) compare(file.path, [file.text]);
  for (const file of existing) {
    if (wanted.has(file.path)) continue;
    if (isGeneratedText(file.text) || inBundle(file.path)) plan.removals.push(file);
    else plan.foreign.push(file.path);
  }
  return plan;
}

export function isUpToDate(plan: GeneratePlan): boolean {
  return plan.writes.length === 0 && plan.removals.length === 0;
}

/** A unified diff of the whole plan, as `generate --check` prints it. */
export function planDiff(plan: GeneratePlan): string {
  const writes = plan.writes.map((write) =>
    createTwoFilesPatch(
      write.previous === undefined ? "/dev/null" : `a/${write.path}`,
      `b/${write.path}`,
      write.previous ?? "",
      write.text,
    ),
  );
  const removals = plan.removals.map((file) => createTwoFilesPatch(`a/${file.path}`, "/dev/null", file.text, ""));
  return [...writes, ...removals].join("");
}
