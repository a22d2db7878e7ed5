import { guardContext, stageContext } from "../cluster/context-guard.ts";
import { currentContext } from "../cluster/target.ts";
import { findStage } from "../config/project.ts";
import { print, printJson, type Context } from "../context.ts";
import { sessionFor, type GlobalOptions } from "./shell.ts";

async function check(
  options: GlobalOptions & { stage: string; context?: string | undefined; json?: true | undefined },
  context: Context,
): Promise<void> {
  const session = sessionFor(context, { dir: options.dir });
  const stage = findStage(session.config, options.stage);
  const expected = stageContext(session.config, stage);
  const used = options.context ?? (await currentContext(session));
  const ok = used === expected;
  if (options.json) printJson(context, { stage: stage.name, expected, context: used ?? null, ok });
  guardContext(expected, options.context !== undefined ? { explicit: options.context } : { current: used }, stage.name);
  if (!options.json) print(context, `context ${expected} is stage ${stage.name}'s`);
}

export const run = { check };
