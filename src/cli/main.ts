import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Command, CommanderError, type CommandUnknownOpts } from "@commander-js/extra-typings";
import { progress, type Context } from "../context.ts";
import { ExitCode, formatProblem, Jore4FluxError } from "../errors.ts";
import { packageRoot } from "../tools/paths.ts";
import { commands } from "./commands/index.ts";

function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(join(packageRoot, "package.json"), "utf8")) as {
    version: string;
  };
  return manifest.version;
}

/** Commander's own output (help, usage errors) goes to the context too, and it never exits the process. */
function bind(command: CommandUnknownOpts, context: Context): void {
  command.exitOverride().configureOutput({
    writeOut: (text) => context.stdout.write(text),
    writeErr: (text) => context.stderr.write(text),
  });
  for (const sub of command.commands) bind(sub, context);
}

export function program(context: Context): CommandUnknownOpts {
  const root = new Command("jore4-flux")
    .description("Render, check, promote and deploy the jore4 Kubernetes stages (GitOps with Flux).")
    .version(packageVersion())
    .option("-C, --dir <path>", "the jore4-flux repository (default: the nearest folder up holding jore4-flux.yaml)")
    .showHelpAfterError("(run with --help for usage)");
  for (const command of commands(context)) root.addCommand(command);
  bind(root, context);
  return root;
}

function report(context: Context, error: Jore4FluxError): void {
  progress(context, `error: ${error.message}`);
  if (error.problems.length > 1) for (const problem of error.problems) progress(context, `  ${formatProblem(problem)}`);
  if (error.hint) progress(context, `hint: ${error.hint}`);
}

/** A failure nobody foresaw (a bug, or the system refusing): one line, unless DEBUG=1 asks for the stack. */
function reportUnexpected(context: Context, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  const line = message.split("\n").find((part) => part.trim() !== "") ?? "unknown error";
  const debug = context.env.DEBUG === "1";
  progress(context, `error: unexpected failure: ${line.trim()}${debug ? "" : " (DEBUG=1 prints the stack trace)"}`);
  if (debug) progress(context, error instanceof Error ? (error.stack ?? message) : message);
}

/** The only place that turns errors into exit codes. `argv` holds the arguments after the program name. */
export async function main(argv: readonly string[], context: Context): Promise<number> {
  try {
    await program(context).parseAsync([...argv], { from: "user" });
    return ExitCode.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      const done = ["commander.helpDisplayed", "commander.version", "commander.help"].includes(error.code);
      return done ? ExitCode.ok : ExitCode.invalid;
    }
    if (error instanceof Jore4FluxError) {
      report(context, error);
      return error.exitCode;
    }
    reportUnexpected(context, error);
    return ExitCode.internal;
  }
}
