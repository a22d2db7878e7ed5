import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { StageConfig } from "../config/project.ts";
import { ExitCode, Jore4FluxError } from "../errors.ts";
import { kindSteps, renderKindConfig } from "./kind.ts";
import { stageValues } from "./login.ts";
import type { Session } from "./session.ts";

/** Whether the kind cluster exists (asks kind; never in a dry run). */
export async function kindClusterExists(session: Session): Promise<boolean> {
  const listed = await session.read(kindSteps(session.config).list());
  return listed.stdout
    .split("\n")
    .map((line) => line.trim())
    .includes(session.config.kind.cluster);
}

/** The kind configuration: the file given with `--kindconfig`, else rendered from the stage's values. */
export function kindConfigSource(
  session: Session,
  stage: StageConfig,
  kindconfig?: string,
): { text: string } | { file: string } {
  if (kindconfig) {
    const file = resolve(session.context.cwd, kindconfig);
    try {
      readFileSync(file);
    } catch {
      throw new Jore4FluxError(`--kindconfig ${kindconfig}: no such file`, { exitCode: ExitCode.invalid });
    }
    return { file };
  }
  return { text: renderKindConfig(session.config, stageValues(session, stage.name)) };
}

/** Creates the kind cluster unless it runs already (a second start changes nothing). */
export async function startKind(session: Session, stage: StageConfig, kindconfig?: string): Promise<void> {
  const source = kindConfigSource(session, stage, kindconfig);
  if (!session.dryRun && (await kindClusterExists(session))) {
    session.progress(`kind cluster ${session.config.kind.cluster} is already running`);
    return;
  }
  await session.run(kindSteps(session.config).create(source));
}

export async function stopKind(session: Session): Promise<void> {
  if (!session.dryRun && !(await kindClusterExists(session))) {
    session.progress(`kind cluster ${session.config.kind.cluster} is not running`);
    return;
  }
  await session.run(kindSteps(session.config).delete());
}
