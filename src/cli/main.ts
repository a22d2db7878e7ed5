import { readFileSync } from "node:fs";
import { Command, CommanderError } from "commander";
import { ExitCode, formatProblem, Jore4FluxError } from "../errors.ts";
import { commands } from "./commands/index.ts";

function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  return manifest.version;
}

export function program(): Command {
  const root = new Command("jore4-flux")
    .description("Render, check, promote and deploy the jore4 Kubernetes stages (GitOps with Flux).")
    .version(packageVersion())
    .option(
      "-C, --dir <path>",
      "the jore4-flux repository (default: the nearest folder up holding jore4-flux.yaml)",
      ".",
    )
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();
  for (const command of commands()) root.addCommand(command.exitOverride());
  return root;
}

function report(error: Jore4FluxError): void {
  process.stderr.write(`error: ${error.message}\n`);
  if (error.problems.length > 1)
    for (const problem of error.problems) process.stderr.write(`  ${formatProblem(problem)}\n`);
  if (error.hint) process.stderr.write(`hint: ${error.hint}\n`);
}

/** The only place that turns errors into exit codes. */
export async function main(argv: string[]): Promise<number> {
  try {
    await program().parseAsync(argv);
    return ExitCode.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      const done = ["commander.helpDisplayed", "commander.version", "commander.help"].includes(error.code);
      return done ? ExitCode.ok : ExitCode.invalid;
    }
    if (error instanceof Jore4FluxError) {
      report(error);
      return error.exitCode;
    }
    throw error;
  }
}
