import type { Context } from "../context.ts";
import { ExitCode, Jore4FluxError } from "../errors.ts";
import { goTool } from "./catalog.ts";
import { locateTool, onPath } from "./locate.ts";

/** What to tell the user when a tool is missing, where the tool's own default would not say it best. */
const installHints: Record<string, string> = {
  az: "install the Azure CLI: https://learn.microsoft.com/cli/azure/install-azure-cli",
  kind: "install kind: https://kind.sigs.k8s.io/docs/user/quick-start/#installation (needs a Docker engine)",
  helm: "build it with `npx jore4-flux tools install helm`",
  kubectl: "build it with `npx jore4-flux tools install kubectl`",
};

/**
 * The command line that runs `tool`: a tool the project pins (src/tools/catalog.ts) as
 * `locateTool` finds it (the project's build, else PATH, for kustomize also kubectl's form),
 * any other (kind, az, git …) from PATH; a missing tool is an error naming it and how to get it.
 */
function resolveCommand(env: Context["env"], root: string, tool: string): string[] {
  if (goTool(tool)) {
    try {
      return locateTool(env, root, tool).command;
    } catch (error) {
      if (error instanceof Jore4FluxError && installHints[tool] !== undefined)
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

/** One run of an external tool: argv[0] names the tool (resolved by `resolveCommand` when run). */
export interface ToolRun {
  readonly argv: readonly string[];
  /** What the run does, for the failure message (default: the command line asked for). */
  readonly title?: string | undefined;
  /** Text given on standard input. */
  readonly input?: string | undefined;
  /** The run may fail without an error (its exit code tells). */
  readonly tolerateFailure?: boolean | undefined;
  /** The tool talks to the user (e.g. `az login` opening a device-code prompt). */
  readonly interactive?: boolean | undefined;
}

export interface ToolResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/**
 * The one way src/ runs an external tool (git aside, src/git/): resolve it, run it in `cwd`
 * (default: the repository root, where the paths in its arguments are relative to), and unless
 * it may fail, turn a failure into an error (exit code 3) naming what it did, the command line
 * run and the tool's own message. `signal` bounds it (the program is killed when it aborts: for reads).
 */
export async function runTool(
  context: Context,
  root: string,
  run: ToolRun,
  options: { cwd?: string; signal?: AbortSignal } = {},
): Promise<ToolResult> {
  const [tool, ...args] = run.argv;
  const [command, ...leading] = resolveCommand(context.env, root, tool!);
  const result = await context.run(command!, [...leading, ...args], {
    cwd: options.cwd ?? root,
    ...(run.input !== undefined ? { input: run.input } : {}),
    ...(run.interactive && run.input === undefined ? { stdin: "inherit" as const } : {}),
    ...(run.interactive ? { stderr: "inherit" as const } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (result.failed && !run.tolerateFailure) {
    // The tool's error output whole; its standard output (megabytes of YAML for a build) only at its end.
    const detail =
      result.stderr.trim() || result.stdout.trim().split("\n").slice(-10).join("\n") || result.message.trim();
    const line = [command, ...leading, ...args].join(" ");
    const what = run.title === undefined ? line : `${run.title} (${line})`;
    throw new Jore4FluxError(`${what} failed:\n${detail}`, { exitCode: ExitCode.failed });
  }
  return { stdout: result.stdout, stderr: result.stderr, exitCode: result.exitCode };
}

/**
 * The one way a folder is built with kustomize (`build`, `check` without kustomize-json, `deploy
 * cluster` and the kind commands, `crds build`): `kustomize build [flags] <dir>`, or where only
 * kubectl is found, its form of the same, `kubectl kustomize [flags] <dir>`. `dir` is relative to
 * `root` (where it runs) or absolute.
 */
export async function kustomizeBuild(
  context: Context,
  root: string,
  dir: string,
  flags: readonly string[] = [],
): Promise<string> {
  const fallback = locateTool(context.env, root, "kustomize").source === "fallback";
  const argv = ["kustomize", ...(fallback ? [] : ["build"]), ...flags, dir];
  return (await runTool(context, root, { argv, title: `kustomize build ${dir}` })).stdout;
}
