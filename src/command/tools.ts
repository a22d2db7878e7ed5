import { existsSync } from "node:fs";
import { print, printJson, progress, type Context } from "../context.ts";
import { ExitCode, Jore4FluxError } from "../errors.ts";
import { goTool, goTools, type GoTool } from "../tools/catalog.ts";
import { installTools } from "../tools/install.ts";
import { locateTool, type ResolvedTool } from "../tools/locate.ts";
import { cachedBinary } from "../tools/paths.ts";
import { toolVersion } from "../tools/version.ts";
import { repositoryRoot, type GlobalOptions } from "./shell.ts";

function selected(names: string[]): GoTool[] {
  if (names.length === 0) return goTools.filter((tool) => tool.forTests);
  return names.map((name) => {
    const tool = goTool(name);
    if (!tool)
      throw new Jore4FluxError(
        `unknown tool '${name}'; known tools: ${goTools.map((known) => known.name).join(", ")}`,
        { exitCode: ExitCode.invalid },
      );
    return tool;
  });
}

function whereIs(context: Context, root: string, name: string): ResolvedTool | undefined {
  try {
    return locateTool(context.env, root, name);
  } catch {
    return undefined;
  }
}

async function install(options: GlobalOptions & { names: string[] }, context: Context): Promise<void> {
  const root = repositoryRoot(context, options);
  const tools = selected(options.names);
  const outcomes = await installTools(context, root, tools);
  for (const tool of tools) {
    const outcome = outcomes.get(tool.name);
    if (outcome !== "built")
      progress(
        context,
        `${tool.name} ${tool.version}: ${outcome === "linked" ? "reused an earlier build" : "already installed"}`,
      );
  }
}

async function list(options: GlobalOptions & { json?: true | undefined }, context: Context): Promise<void> {
  const root = repositoryRoot(context, options);
  const rows = [];
  for (const tool of goTools) {
    const found = whereIs(context, root, tool.name);
    const build = cachedBinary(context.env, tool);
    rows.push({
      name: tool.name,
      pinned: tool.version,
      version: found ? await toolVersion(context, tool, found) : tool.version,
      module: tool.goPackage,
      purpose: tool.purpose,
      found: found?.command.join(" ") ?? null,
      source: found?.source ?? null,
      /** The pinned build in the tools cache, linked into .tools/bin or not (`tools install` links it in seconds). */
      cached: existsSync(build) ? build : null,
    });
  }
  if (options.json) printJson(context, rows);
  else
    for (const row of rows)
      print(
        context,
        `${row.name.padEnd(15)} ${row.version.padEnd(9)} ${
          row.found
            ? `${row.found} (${row.source}${row.version === row.pinned ? "" : `; pinned ${row.pinned}`})`
            : row.cached
              ? `built, not linked: ${row.cached} (run \`npx jore4-flux tools install ${row.name}\` to link it)`
              : `missing: run \`npx jore4-flux tools install ${row.name}\``
        }`,
      );
}

export const run = { install, list };
