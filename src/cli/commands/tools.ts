import { Command } from "commander";
import { ExitCode, Jore4FluxError } from "../../errors.ts";
import { goTool, goTools, type GoTool } from "../../tools/catalog.ts";
import { installTool } from "../../tools/install.ts";
import { locateTool, type ResolvedTool } from "../../tools/locate.ts";
import { repositoryRoot } from "../context.ts";
import { print, printJson, progress, type Context } from "../../context.ts";

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

export function toolsCommand(context: Context): Command {
  const tools = new Command("tools").description(
    "build and find the Go-based tools (kustomize, kubeconform, kube-apiserver, etcd, kubectl, helm)",
  );
  tools
    .command("install")
    .description(
      "build tools at their pinned versions from Go modules into .tools/bin (reusing earlier builds); without names: every tool the tests need",
    )
    .argument("[names...]", "tools to install")
    .addHelpText("after", "\nExamples:\n  $ jore4-flux tools install\n  $ jore4-flux tools install kustomize helm")
    .action(async (names: string[], _options: unknown, command: Command) => {
      const root = repositoryRoot(context, command);
      for (const tool of selected(names)) {
        const outcome = await installTool(context, root, tool);
        if (outcome !== "built")
          progress(
            context,
            `${tool.name} ${tool.version}: ${outcome === "linked" ? "reused an earlier build" : "already installed"}`,
          );
      }
    });
  tools
    .command("list")
    .description("list the pinned tools and where each is found")
    .option("--json", "print as JSON")
    .action((options: { json?: boolean }, command: Command) => {
      const root = repositoryRoot(context, command);
      const rows = goTools.map((tool) => {
        const found = whereIs(context, root, tool.name);
        return {
          name: tool.name,
          version: tool.version,
          module: tool.goPackage,
          purpose: tool.purpose,
          found: found?.command.join(" ") ?? null,
          source: found?.source ?? null,
        };
      });
      if (options.json) printJson(context, rows);
      else
        for (const row of rows)
          print(
            context,
            `${row.name.padEnd(15)} ${row.version.padEnd(9)} ${row.found ? `${row.found} (${row.source})` : `missing: run \`npx jore4-flux tools install ${row.name}\``}`,
          );
    });
  return tools;
}
