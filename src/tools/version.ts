import type { Context } from "../context.ts";
import type { GoTool } from "./catalog.ts";
import type { ResolvedTool } from "./locate.ts";

/**
 * The version of a located tool: the pinned one for the project's own build (it is built from
 * that module version), else what the binary itself reports (`kubectl kustomize`: the kustomize
 * built into kubectl; its first line when it names no version number).
 */
export async function toolVersion(context: Context, tool: GoTool, found: ResolvedTool): Promise<string> {
  if (found.source === "project") return tool.version;
  const [command, ...leading] = found.command;
  const fallback = found.source === "fallback";
  const result = await context.run(command!, fallback ? ["version", "--client"] : [...leading, ...tool.versionArgs]);
  const text = `${String(result.stdout)}\n${String(result.stderr)}`;
  const match = fallback ? /Kustomize Version:\s*(\S+)/.exec(text) : /\bv?\d+\.\d+\.\d+[^\s,"]*/.exec(text);
  const firstLine = text.trim().split("\n")[0]?.trim();
  return (fallback ? match?.[1] : match?.[0]) ?? (firstLine || "unknown");
}
