import { ExitCode, Jore4FluxError } from "../errors.ts";
import { askOnTerminal } from "../io/terminal.ts";
import type { Interaction } from "../promotion/promote.ts";
import { out } from "./context.ts";

/** Confirmations on a terminal (readline); `--yes` answers for CI; with neither, the command refuses. */
export function terminalInteraction(options: { yes?: boolean | undefined }): Interaction {
  return {
    progress: out.progress,
    async confirm(question) {
      if (options.yes) return true;
      if (!process.stdin.isTTY || !process.stderr.isTTY) {
        throw new Jore4FluxError(`needs confirmation (${question}) and there is no terminal to ask`, {
          exitCode: ExitCode.refused,
          hint: "run it in a terminal, or pass --yes (CI)",
        });
      }
      return /^y(es)?$/i.test((await askOnTerminal(`${question} [y/N] `)) ?? "");
    },
  };
}
