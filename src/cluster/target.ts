import type { StageConfig } from "../config/project.ts";
import { ExitCode, Jore4FluxError } from "../errors.ts";
import { findStage } from "../config/project.ts";
import { guardContext, stageContext } from "./context-guard.ts";
import { currentContextStep } from "./kubectl.ts";
import type { Session } from "./session.ts";

export interface TargetOptions {
  /** An explicit `--context`; checked like the current one. */
  context?: string;
  /** Confirms a stage that asks for confirmation (prod) without a prompt. */
  yes?: boolean;
}

export interface Target {
  stage: StageConfig;
  /** The context every kubectl call of the operation is bound to. */
  context: string;
}

export async function currentContext(session: Session): Promise<string | undefined> {
  const result = await session.read(currentContextStep);
  return result.exitCode === 0 ? result.stdout.trim() || undefined : undefined;
}

async function confirm(session: Session, stage: StageConfig, context: string): Promise<void> {
  const refusal = new Jore4FluxError(`stage ${stage.name} needs confirmation; nothing was applied`, {
    exitCode: ExitCode.refused,
    hint: "confirm interactively, or pass --yes",
  });
  const answer = await session.context.prompt(
    `This changes stage ${stage.name} (context ${context}). Type the stage name to go on: `,
  );
  if (answer !== stage.name) throw refusal;
}

/**
 * The guard in front of every command that changes a cluster: the stage must exist, the context
 * must be the stage's, and a stage marked `confirm` is confirmed. A dry run checks nothing that
 * would need a cluster or a person, and names the context it would use.
 */
export async function resolveTarget(session: Session, stageName: string, options: TargetOptions): Promise<Target> {
  const stage = findStage(session.config, stageName);
  const expected = stageContext(session.config, stage);
  if (session.dryRun) {
    if (options.context !== undefined) guardContext(expected, { explicit: options.context }, stage.name);
    return { stage, context: expected };
  }
  const context = guardContext(
    expected,
    { explicit: options.context, current: options.context === undefined ? await currentContext(session) : undefined },
    stage.name,
  );
  if (stage.confirm && !options.yes) await confirm(session, stage, context);
  return { stage, context };
}
