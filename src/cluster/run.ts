import type { Context } from "../context.ts";
import { runTool, type ToolResult } from "../tools/run.ts";
import type { CommandStep } from "./step.ts";

export type StepResult = ToolResult;

/**
 * Runs one step through the one tool runner (src/tools/run.ts), in the repository root (paths in
 * steps are relative to it, as --dry-run prints them). A step's output is read as a value:
 * without its final newline.
 */
export async function runStep(
  context: Context,
  root: string,
  step: CommandStep,
  options: { signal?: AbortSignal } = {},
): Promise<StepResult> {
  const result = await runTool(context, root, step, options);
  const chomp = (text: string) => text.replace(/\r?\n$/, "");
  return { stdout: chomp(result.stdout), stderr: chomp(result.stderr), exitCode: result.exitCode };
}
