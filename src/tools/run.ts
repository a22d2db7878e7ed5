import type { Context } from "../context.ts";
import { ExitCode, Jore4FluxError } from "../errors.ts";
import { locateTool } from "./locate.ts";

/** Runs a located tool and returns its standard output; a failure names the command and its error output. */
export async function runTool(
  context: Context,
  root: string,
  name: string,
  args: readonly string[],
  options: { cwd?: string; input?: string } = {},
): Promise<string> {
  const [command, ...leading] = locateTool(context.env, root, name).command;
  const result = await context.run(command!, [...leading, ...args], {
    cwd: options.cwd ?? root,
    ...(options.input !== undefined ? { input: options.input } : {}),
  });
  if (result.failed) {
    const detail = (result.stderr || result.stdout || result.message).trim().split("\n").slice(-10).join("\n");
    throw new Jore4FluxError(`${name} ${args.join(" ")} failed:\n${detail}`, { exitCode: ExitCode.failed });
  }
  return String(result.stdout);
}

/** The real `kustomize build` of a folder. */
export function kustomizeBuild(context: Context, root: string, dir: string): Promise<string> {
  return runTool(context, root, "kustomize", ["build", dir]);
}
