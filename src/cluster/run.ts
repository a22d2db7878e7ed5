import type { Context } from "../context.ts";
import { ExitCode, Jore4FluxError } from "../errors.ts";
import { locateTool, onPath } from "../tools/locate.ts";
import { formatCommand, type CommandStep } from "./step.ts";

/** How each external tool is found, and what to tell the user when it is missing. */
const installHints: Record<string, string> = {
  az: "install the Azure CLI: https://learn.microsoft.com/cli/azure/install-azure-cli",
  kind: "install kind: https://kind.sigs.k8s.io/docs/user/quick-start/#installation (needs a Docker engine)",
  helm: "build it with `npx jore4-flux tools install helm`",
  kubectl: "build it with `npx jore4-flux tools install kubectl`",
};
/**
 * Tools the project pins and builds; the others come from PATH. (kustomize is no step's tool:
 * every build goes through kustomizeBuild, src/tools/run.ts, which knows kubectl's form of it.)
 */
const projectTools = new Set(["kubectl", "helm"]);

/** The command to run for a step's tool, or a clear error naming the tool and how to get it. */
export function resolveCommand(env: Context["env"], root: string, tool: string): string[] {
  if (projectTools.has(tool)) {
    try {
      return locateTool(env, root, tool).command;
    } catch (error) {
      if (error instanceof Jore4FluxError)
        throw new Jore4FluxError(error.message, { exitCode: ExitCode.failed, hint: installHints[tool] });
      throw error;
    }
  }
  const found = onPath(env, tool);
  if (!found)
    throw new Jore4FluxError(`${tool} is not installed (not found on PATH)`, {
      exitCode: ExitCode.failed,
      hint: installHints[tool],
    });
  return [found];
}

export interface StepResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/**
 * Runs one step; a failure names the step, the command and the tool's own message. `signal`
 * bounds it (the program is killed when it aborts: for reads).
 */
export async function runStep(
  context: Context,
  root: string,
  step: CommandStep,
  options: { signal?: AbortSignal } = {},
): Promise<StepResult> {
  const [tool, ...args] = step.argv;
  const [command, ...lead] = resolveCommand(context.env, root, tool!);
  // Paths in steps are relative to the repository root, as printed by --dry-run.
  const result = await context.run(command!, [...lead, ...args], {
    cwd: root,
    ...(step.input !== undefined ? { input: step.input } : {}),
    ...(step.interactive && step.input === undefined ? { stdin: "inherit" as const } : {}),
    ...(step.interactive ? { stderr: "inherit" as const } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  // A step's output is read as a value: without the final newline.
  const chomp = (text: string) => text.replace(/\r?\n$/, "");
  const outcome = { stdout: chomp(result.stdout), stderr: chomp(result.stderr), exitCode: result.exitCode };
  if (result.failed && !step.tolerateFailure) {
    const detail = outcome.stderr.trim() || outcome.stdout.trim() || result.message;
    throw new Jore4FluxError(`${step.title} failed: ${formatCommand(step.argv)}\n${detail}`, {
      exitCode: ExitCode.failed,
    });
  }
  return outcome;
}
