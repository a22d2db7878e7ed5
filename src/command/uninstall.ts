import { resolveTarget } from "../cluster/target.ts";
import { uninstallFlux } from "../cluster/uninstall-flux.ts";
import { printJson, type Context } from "../context.ts";
import type { GuardOptions } from "./deploy.ts";
import { sessionFor } from "./shell.ts";

async function flux(
  options: GuardOptions & { stage: string; timeout: number; json?: true | undefined },
  context: Context,
): Promise<void> {
  const { stage } = options;
  const session = sessionFor(context, options);
  const target = await resolveTarget(session, stage, options);
  const result = await uninstallFlux(session, target, { timeoutSeconds: options.timeout });
  // Applied: something was there and was removed (a second run finds nothing to do).
  const applied = !session.dryRun && (result.removed.length > 0 || result.unblocked.length > 0);
  if (options.json) printJson(context, { stage, context: target.context, applied, ...result });
}

export const run = { flux };
