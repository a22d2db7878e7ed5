import { existsSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import type { Context } from "../context.ts";
import { ExitCode, Jore4FluxError, toolMessage } from "../errors.ts";
import { kustomizationFileName } from "../render/stage.ts";
import { locateTool } from "../tools/locate.ts";
import { kustomizeBuild } from "../tools/run.ts";

/** What the real `kustomize build` of one stage folder returned: its objects, or its error. */
export type KustomizeOutput = { objects: unknown[] } | { error: string };

/**
 * Reads kustomize's output the way its consumers (kubectl, Flux's kustomize-controller, the
 * apiserver's YAML decoding) read YAML: with YAML 1.1 rules, so a value they would change shows.
 */
export function readKustomizeOutput(text: string): unknown[] {
  return parseAllDocuments(text, { version: "1.1" })
    .map((document) => document.toJS({ maxAliasCount: 100 }) as unknown)
    .filter((value) => value !== null);
}

/** Runs the real kustomize on each stage folder that has a kustomization (the others are a finding of their own). */
export async function kustomizeStages(
  context: Context,
  root: string,
  dirs: ReadonlyMap<string, string>,
): Promise<Map<string, KustomizeOutput>> {
  try {
    locateTool(context.env, root, "kustomize");
  } catch (error) {
    if (!(error instanceof Jore4FluxError)) throw error;
    throw new Jore4FluxError(`${error.message}; check compares each stage with its real \`kustomize build\``, {
      exitCode: ExitCode.failed,
      hint: `${error.hint ?? "install kustomize"}, or skip that rule with \`check --no-kustomize\``,
    });
  }
  // The builds run side by side: each is a separate kustomize process.
  const built = await Promise.all(
    [...dirs]
      .filter(([, dir]) => existsSync(join(root, dir, kustomizationFileName)))
      .map(async ([stage, dir]): Promise<[string, KustomizeOutput]> => {
        try {
          return [stage, { objects: readKustomizeOutput(await kustomizeBuild(context, root, join(root, dir))) }];
        } catch (error) {
          if (!(error instanceof Jore4FluxError)) throw error;
          return [stage, { error: toolMessage(error) }];
        }
      }),
  );
  return new Map(built);
}
