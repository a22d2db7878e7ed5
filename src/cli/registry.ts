import type { CommandUnknownOpts } from "@commander-js/extra-typings";
import type { Context } from "../context.ts";
import type { GlobalOptions } from "../command/shell.ts";

/**
 * One command of the CLI: `define` builds its commander command (name, arguments, options, help
 * text) with actions that call the core module `run` loads; `run` imports that module (in
 * src/command/, with ordinary imports) only when an action runs, so `--help` loads none of them.
 * A core module exports `run(options, context)`; a group's (`kind`, `deploy` …) exports `run`
 * with one such function per subcommand.
 */
export interface CommandEntry<Core> {
  define(context: Context, core: () => Promise<Core>): CommandUnknownOpts;
  run: () => Promise<Core>;
}

/** The command of an entry, its actions bound to the entry's core. */
export function defineCommand<Core>(entry: CommandEntry<Core>, context: Context): CommandUnknownOpts {
  return entry.define(context, entry.run);
}

/** The root command's options, which every action passes on with its own (`-C, --dir`). */
export function globals(command: { optsWithGlobals(): object }): GlobalOptions {
  return { dir: (command.optsWithGlobals() as GlobalOptions).dir };
}
