import { execa } from "execa";
import { ExitCode, Jore4FluxError } from "../errors.ts";
import { locateTool } from "./locate.ts";

/** Runs a located tool and returns its standard output; a failure names the command and its error output. */
export async function runTool(
  root: string,
  name: string,
  args: readonly string[],
  options: { cwd?: string; input?: string } = {},
): Promise<string> {
  const [command, ...leading] = locateTool(root, name).command;
  const result = await execa(command!, [...leading, ...args], {
    cwd: options.cwd ?? root,
    input: options.input,
    reject: false,
    stripFinalNewline: false,
  });
  if (result.failed) {
    const detail = String(result.stderr || result.stdout || result.message)
      .trim()
      .split("\n")
      .slice(-10)
      .join("\n");
    throw new Jore4FluxError(`${name} ${args.join(" ")} failed:\n${detail}`, { exitCode: ExitCode.failed });
  }
  return String(result.stdout);
}

/** The real `kustomize build` of a folder. */
export function kustomizeBuild(root: string, dir: string): Promise<string> {
  // `kubectl kustomize <dir>` is the fallback's form of `kustomize build <dir>`.
  return runTool(root, "kustomize", locateTool(root, "kustomize").source === "fallback" ? [dir] : ["build", dir]);
}
