import { loginSteps } from "../cluster/login.ts";
import { findStage } from "../config/project.ts";
import type { Context } from "../context.ts";
import { sessionFor, type GlobalOptions } from "./shell.ts";

export async function run(
  options: GlobalOptions & { stage: string; dryRun?: true | undefined },
  context: Context,
): Promise<void> {
  const session = sessionFor(context, options);
  const stage = findStage(session.config, options.stage);
  for (const step of loginSteps(session, stage)) await session.run(step);
}
