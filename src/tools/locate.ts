import { existsSync, readlinkSync } from "node:fs";
import { delimiter, join } from "node:path";
import type { Context } from "../context.ts";
import { ExitCode, Jore4FluxError } from "../errors.ts";
import { goTool } from "./catalog.ts";
import { cachedBinary, toolsBinDir } from "./paths.ts";

export interface ResolvedTool {
  /** Command and leading arguments, e.g. `["kubectl", "kustomize"]` for the kustomize fallback. */
  command: string[];
  source: "project" | "path" | "fallback";
}

/** The first executable named `name` on PATH. */
export function onPath(env: Context["env"], name: string): string | undefined {
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    const candidate = join(dir, name);
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** A tool of the project's own build when its pinned version is installed, else one on PATH. */
export function locateTool(env: Context["env"], root: string, name: string): ResolvedTool {
  const installed = join(toolsBinDir(root), name);
  const tool = goTool(name);
  if (existsSync(installed) && (!tool || readlinkSync(installed) === cachedBinary(env, tool)))
    return { command: [installed], source: "project" };
  const found = onPath(env, name);
  if (found) return { command: [found], source: "path" };
  if (name === "kustomize") {
    const kubectl = existsSync(join(toolsBinDir(root), "kubectl"))
      ? join(toolsBinDir(root), "kubectl")
      : onPath(env, "kubectl");
    if (kubectl) return { command: [kubectl, "kustomize"], source: "fallback" };
  }
  throw new Jore4FluxError(`${name} is not installed: not in ${toolsBinDir(root)} nor on PATH`, {
    exitCode: ExitCode.failed,
    hint: `build it from Go modules with \`npx jore4-flux tools install ${name}\``,
  });
}
