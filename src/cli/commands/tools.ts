import { Command } from "commander";
import { ExitCode, Jore4FluxError } from "../../errors.ts";
import { goTool, goTools, type GoTool } from "../../tools/catalog.ts";
import { installTools } from "../../tools/install.ts";
import { locateTool, type ResolvedTool } from "../../tools/locate.ts";
import { findRoot, out } from "../context.ts";

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

function whereIs(root: string, name: string): ResolvedTool | undefined {
  try {
    return locateTool(root, name);
  } catch {
    return undefined;
  }
}

export function toolsCommand(): Command {
  const tools = new Command("tools").description(
    "build and find the Go-based tools (kustomize, kubectl, helm, and the test cluster's Kubernetes, kwok and Flux binaries)",
  );
  tools
    .command("install")
    .description(
      "build tools at their pinned versions from Go modules into .tools/bin (reusing earlier builds); without names: every tool the tests need",
    )
    .argument("[names...]", "tools to install")
    .addHelpText("after", "\nExamples:\n  $ jore4-flux tools install\n  $ jore4-flux tools install kustomize helm")
    .action(async (names: string[], _options: unknown, command: Command) => {
      const root = findRoot(command.optsWithGlobals().dir);
      const tools = selected(names);
      const outcomes = await installTools(root, tools, out.progress);
      for (const tool of tools) {
        const outcome = outcomes.get(tool.name);
        if (outcome !== "built")
          out.progress(
            `${tool.name} ${tool.version}: ${outcome === "linked" ? "reused an earlier build" : "already installed"}`,
          );
      }
    });
  tools
    .command("list")
    .description("list the pinned tools and where each is found")
    .option("--json", "print as JSON")
    .action((options: { json?: boolean }, command: Command) => {
      const root = findRoot(command.optsWithGlobals().dir);
      const rows = goTools.map((tool) => {
        const found = whereIs(root, tool.name);
        return {
          name: tool.name,
          version: tool.version,
          module: tool.goPackage,
          purpose: tool.purpose,
          found: found?.command.join(" ") ?? null,
          source: found?.source ?? null,
        };
      });
      if (options.json) out.json(rows);
      else
        for (const row of rows)
          out.data(
            `${row.name.padEnd(15)} ${row.version.padEnd(9)} ${row.found ? `${row.found} (${row.source})` : `missing: run \`npx jore4-flux tools install ${row.name}\``}`,
          );
    });
  return tools;
}
