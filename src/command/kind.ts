import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { kindStage } from "../cluster/context-guard.ts";
import { deployCluster } from "../cluster/deploy-cluster.ts";
import { deployCrds } from "../cluster/deploy-crds.ts";
import { kindClusterExists, startKind, stopKind } from "../cluster/kind-cluster.ts";
import { renderKindConfig, renderKindDiagram } from "../cluster/kind.ts";
import { loginSteps, stageValues } from "../cluster/login.ts";
import { resolveTarget } from "../cluster/target.ts";
import type { ProjectConfig } from "../config/project.ts";
import { print, type Context } from "../context.ts";
import { ExitCode, Jore4FluxError } from "../errors.ts";
import type { GuardOptions } from "./deploy.ts";
import { clusterDeployOptions, sessionFor, type ClusterOptions, type GlobalOptions } from "./shell.ts";

/** `--cluster` of the seed: a stage name, or a kustomize folder applied as the kind stage. */
function clusterChoice(
  config: ProjectConfig,
  root: string,
  cluster: string | undefined,
  cwd: string,
): { stage: string; cluster?: string | undefined } {
  if (cluster && config.stages.some((candidate) => candidate.name === cluster))
    return { stage: kindStage(config, cluster).name };
  if (cluster && !existsSync(join(root, cluster, "kustomization.yaml")) && !existsSync(resolve(cwd, cluster))) {
    throw new Jore4FluxError(`--cluster ${cluster}: neither a stage nor a folder with a kustomization.yaml`, {
      exitCode: ExitCode.invalid,
    });
  }
  return { stage: kindStage(config).name, cluster };
}

type StageOption = GlobalOptions & { stage?: string | undefined };

function config(options: StageOption, context: Context): void {
  const session = sessionFor(context, { dir: options.dir, dryRun: true });
  print(context, renderKindConfig(session.config, stageValues(session, kindStage(session.config, options.stage).name)));
}

function diagram(options: StageOption, context: Context): void {
  const session = sessionFor(context, { dir: options.dir, dryRun: true });
  print(
    context,
    renderKindDiagram(session.config, stageValues(session, kindStage(session.config, options.stage).name)),
  );
}

async function start(
  options: StageOption & { kindconfig?: string | undefined; dryRun?: true | undefined },
  context: Context,
): Promise<void> {
  const session = sessionFor(context, options);
  await startKind(session, kindStage(session.config, options.stage), options.kindconfig);
}

async function stop(options: GlobalOptions & { dryRun?: true | undefined }, context: Context): Promise<void> {
  await stopKind(sessionFor(context, options));
}

async function login(options: StageOption & { dryRun?: true | undefined }, context: Context): Promise<void> {
  const session = sessionFor(context, options);
  for (const step of loginSteps(session, kindStage(session.config, options.stage))) await session.run(step);
}

async function check(options: GlobalOptions & { context?: string | undefined }, context: Context): Promise<void> {
  const session = sessionFor(context, { dir: options.dir });
  if (!(await kindClusterExists(session))) {
    throw new Jore4FluxError(`kind cluster ${session.config.kind.cluster} is not running`, {
      exitCode: ExitCode.findings,
      hint: "start it with `npx jore4-flux kind start`",
    });
  }
  const target = await resolveTarget(session, kindStage(session.config).name, { context: options.context });
  print(context, `kind cluster ${session.config.kind.cluster} runs; context ${target.context}`);
}

async function up(
  options: GuardOptions &
    ClusterOptions & { kindconfig?: string | undefined; existingCluster?: true | undefined; crdsTimeout: number },
  context: Context,
): Promise<void> {
  const session = sessionFor(context, options);
  const choice = clusterChoice(session.config, session.root, options.cluster, context.cwd);
  const stage = kindStage(session.config, choice.stage);
  if (!options.existingCluster) {
    await startKind(session, stage, options.kindconfig);
    for (const step of session.dryRun ? [] : loginSteps(session, stage)) await session.run(step);
  }
  const target = await resolveTarget(session, stage.name, options);
  await deployCrds(session, target, {
    skip: [],
    wait: options.wait,
    timeoutSeconds: options.crdsTimeout,
  });
  await deployCluster(session, target, { ...clusterDeployOptions(options), cluster: choice.cluster });
}

async function crds(options: GuardOptions & { wait: boolean }, context: Context): Promise<void> {
  const session = sessionFor(context, options);
  const target = await resolveTarget(session, kindStage(session.config).name, options);
  await deployCrds(session, target, { skip: [], wait: options.wait, timeoutSeconds: 180 });
}

async function deploy(options: GuardOptions & ClusterOptions, context: Context): Promise<void> {
  const session = sessionFor(context, options);
  const choice = clusterChoice(session.config, session.root, options.cluster, context.cwd);
  const target = await resolveTarget(session, choice.stage, options);
  await deployCluster(session, target, { ...clusterDeployOptions(options), cluster: choice.cluster });
}

export const run = { config, diagram, start, stop, login, check, up, crds, deploy };
