import type { Context } from "../context.ts";
import { ExitCode, Jore4FluxError } from "../errors.ts";
import { locateTool } from "./locate.ts";

/**
 * Runs a located tool and returns its standard output; a failure names the command (or what it
 * did, `title`, with the command line) and its error output.
 */
export async function runTool(
  context: Context,
  root: string,
  name: string,
  args: readonly string[],
  options: { cwd?: string; input?: string; title?: string } = {},
): Promise<string> {
  const [command, ...leading] = locateTool(context.env, root, name).command;
  const result = await context.run(command!, [...leading, ...args], {
    cwd: options.cwd ?? root,
    ...(options.input !== undefined ? { input: options.input } : {}),
  });
  if (result.failed) {
    const detail = (result.stderr || result.stdout || result.message).trim().split("\n").slice(-10).join("\n");
    const what =
      options.title === undefined
        ? `${name} ${args.join(" ")}`
        : `${options.title} (${[command, ...leading, ...args].join(" ")})`;
    throw new Jore4FluxError(`${what} failed:\n${detail}`, { exitCode: ExitCode.failed });
  }
  return String(result.stdout);
}

/**
 * The one way a folder is built with kustomize (`build`, `check` without kustomize-json, `deploy
 * cluster` and the kind commands, `crds build`): `kustomize build [flags] <dir>`, or where only
 * kubectl is found, its form of the same, `kubectl kustomize [flags] <dir>`. `dir` is relative to
 * `root` (where it runs) or absolute.
 */
export function kustomizeBuild(
  context: Context,
  root: string,
  dir: string,
  flags: readonly string[] = [],
): Promise<string> {
  const fallback = locateTool(context.env, root, "kustomize").source === "fallback";
  return runTool(context, root, "kustomize", [...(fallback ? [] : ["build"]), ...flags, dir], {
    title: `kustomize build ${dir}`,
  });
}
