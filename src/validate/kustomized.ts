import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Context } from "../context.ts";
import { ExitCode, Jore4FluxError, toolMessage } from "../errors.ts";
import { yamlStreamValues } from "../io/yaml-source.ts";
import { kustomizationFileName } from "../render/stage.ts";
import { locateTool } from "../tools/locate.ts";
import { kustomizeBuild, runTool } from "../tools/run.ts";

/** What the real `kustomize build` of one stage folder returned: its objects, or its error. */
export type KustomizeOutput = { objects: unknown[] } | { error: string };

/** The program that builds with kustomize's library and reads the output as kubectl and Flux do. */
export const kustomizeReader = "kustomize-json";

/** One folder of kustomize-json's answer (tools/go/kustomize-json). */
type BuiltFolder = { dir: string; objects?: unknown[]; error?: string };

/**
 * Builds folders with kustomize-json: kustomize's library as `kustomize build` runs it, every folder
 * in one process, each document of the output decoded by sigs.k8s.io/yaml, the YAML 1.1 reader of
 * kubectl and Flux's kustomize-controller, so a value they would change shows. By folder.
 */
export async function kustomizeFolders(
  context: Context,
  root: string,
  dirs: readonly string[],
): Promise<Map<string, KustomizeOutput>> {
  if (dirs.length === 0) return new Map();
  const answer = JSON.parse(
    (await runTool(context, root, { argv: [kustomizeReader, ...dirs] })).stdout,
  ) as BuiltFolder[];
  return new Map(
    answer.map((folder): [string, KustomizeOutput] => [
      folder.dir,
      folder.error === undefined ? { objects: folder.objects ?? [] } : { error: folder.error },
    ]),
  );
}

/**
 * Reads kustomize's printed output by the manifest readers' one number rule (src/io/yaml-source.ts).
 * kustomize-json, preferred, decodes with kubectl's own reader instead, so that every value they
 * would read otherwise (a YAML 1.1 date, `1_000`) shows.
 */
export function readKustomizeOutput(text: string): unknown[] {
  return yamlStreamValues(text).filter((value) => value !== null);
}

/** Without kustomize-json: a `kustomize build` (or `kubectl kustomize`) process per folder, side by side, read here. */
async function kustomizeEach(context: Context, root: string, dirs: readonly string[]) {
  const built = await Promise.all(
    dirs.map(async (dir): Promise<[string, KustomizeOutput]> => {
      try {
        return [dir, { objects: readKustomizeOutput(await kustomizeBuild(context, root, dir)) }];
      } catch (error) {
        if (!(error instanceof Jore4FluxError)) throw error;
        return [dir, { error: toolMessage(error) }];
      }
    }),
  );
  return new Map(built);
}

/** Whether kustomize-json is installed; else a kustomize (or kubectl) must be, or check cannot compare. */
function readerInstalled(context: Context, root: string): boolean {
  try {
    locateTool(context.env, root, kustomizeReader);
    return true;
  } catch (error) {
    if (!(error instanceof Jore4FluxError)) throw error;
  }
  try {
    locateTool(context.env, root, "kustomize");
    return false;
  } catch (error) {
    if (!(error instanceof Jore4FluxError)) throw error;
    throw new Jore4FluxError(
      `${error.message}, nor is ${kustomizeReader}; check compares each stage with its real \`kustomize build\``,
      {
        exitCode: ExitCode.failed,
        hint: `build it from Go modules with \`npx jore4-flux tools install ${kustomizeReader}\`, or skip that rule with \`check --no-kustomize\``,
      },
    );
  }
}

/**
 * Starts the real kustomize on each stage folder that has a kustomization (the others are a finding
 * of their own): kustomize-json when installed, else kustomize or `kubectl kustomize` per stage.
 * Neither installed is thrown at once, before any other work; the builds run while the caller renders.
 */
export function kustomizeStages(
  context: Context,
  root: string,
  dirs: ReadonlyMap<string, string>,
): Promise<Map<string, KustomizeOutput>> {
  const build = readerInstalled(context, root) ? kustomizeFolders : kustomizeEach;
  const built = [...dirs].filter(([, dir]) => existsSync(join(root, dir, kustomizationFileName)));
  return build(
    context,
    root,
    built.map(([, dir]) => join(root, dir)),
  ).then((outputs) => new Map(built.map(([stage, dir]) => [stage, outputs.get(join(root, dir))!])));
}
