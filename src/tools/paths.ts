import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Context } from "../context.ts";
import type { GoTool } from "./catalog.ts";

/** The nearest folder up from `dir` holding a package.json. */
function packageFolder(dir: string): string {
  return existsSync(join(dir, "package.json")) || dirname(dir) === dir ? dir : packageFolder(dirname(dir));
}

/**
 * The jore4-flux package itself, whose tools/go/ holds the wrapper modules (wherever the
 * configuration lives): found upwards, as this module runs from src/tools/ or from a chunk in dist/.
 */
export const packageRoot = packageFolder(dirname(fileURLToPath(import.meta.url)));

/** What the package keeps between runs (V8 code caches, generate --check's last answers): node_modules/.cache, as other tools keep theirs. */
export const packageCacheDir = join(packageRoot, "node_modules", ".cache", "jore4-flux");

/** Git-ignored folder in the repository where installed tools are linked. */
export const toolsBinDir = (root: string) => join(root, ".tools", "bin");

/**
 * Built binaries are kept outside the work tree, per tool and version, so a fresh clone (as CI
 * makes) reuses earlier builds instead of spending many minutes rebuilding kube-apiserver.
 */
export function toolsCacheDir(env: Context["env"]): string {
  return (
    env.JORE4_FLUX_TOOLS_CACHE ??
    join(env.XDG_CACHE_HOME ?? join(env.HOME ?? homedir(), ".cache"), "jore4-flux", "tools")
  );
}

/**
 * A digest of a Go module folder's own files (go.mod, go.sum, its .go files): a wrapper module
 * whose code changed is built anew, though the version it pins did not.
 */
export function moduleDigest(dir: string): string {
  const hash = createHash("sha256");
  for (const name of readdirSync(dir).sort())
    if (name === "go.mod" || name === "go.sum" || name.endsWith(".go"))
      hash.update(`${name}\n${readFileSync(join(dir, name), "utf8")}\0`);
  return hash.digest("hex").slice(0, 12);
}

const wrapperDigests = new Map<string, string>();

/** Where a tool's build is kept: per tool and version, and for a wrapper module per its sources. */
export function cachedBinary(env: Context["env"], tool: GoTool): string {
  let build = tool.version;
  if (tool.wrapperModule) {
    const digest = wrapperDigests.get(tool.wrapperModule) ?? moduleDigest(join(packageRoot, tool.wrapperModule));
    wrapperDigests.set(tool.wrapperModule, digest);
    build = `${tool.version}-${digest}`;
  }
  return join(toolsCacheDir(env), `${tool.name}-${build}`, tool.name);
}
