import { homedir } from "node:os";
import { join } from "node:path";
import type { GoTool } from "./catalog.ts";

/** Git-ignored folder in the repository where installed tools are linked. */
export const toolsBinDir = (root: string) => join(root, ".tools", "bin");

/**
 * Built binaries are kept outside the work tree, per tool and version, so a fresh clone (as CI
 * makes) reuses earlier builds instead of spending many minutes rebuilding kube-apiserver.
 */
export function toolsCacheDir(): string {
  const base = process.env.JORE4_FLUX_TOOLS_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "jore4-flux", "tools");
  return base;
}

export function cachedBinary(tool: GoTool): string {
  return join(toolsCacheDir(), `${tool.name}-${tool.version}`, tool.name);
}
