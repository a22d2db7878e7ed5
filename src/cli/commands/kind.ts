import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { Command, Option } from "commander";
import type { ProjectConfig } from "../../config/project.ts";
import { kindStage } from "../../cluster/context-guard.ts";
import { deployCluster } from "../../cluster/deploy-cluster.ts";
import { deployCrds } from "../../cluster/deploy-crds.ts";
import { renderKindConfig, renderKindDiagram } from "../../cluster/kind.ts";
import { kindClusterExists, startKind, stopKind } from "../../cluster/kind-cluster.ts";
import { loginSteps, stageValues } from "../../cluster/login.ts";
import { parseSeconds } from "../../cluster/rollout.ts";
import { resolveTarget } from "../../cluster/target.ts";
import { ExitCode, Jore4FluxError } from "../../errors.ts";
import { print, type Context } from "../../context.ts";
import {
  clusterDeployOptions,
  clusterOptions,
  sessionFor,
  withGuardOptions,
  type ClusterFlags,
} from "../cluster-options.ts";

const stageOption = () => new Option("--stage <name>", "the kind stage (default: the first stage with platform kind)");
const kindconfigOption = () =>
  new Option("--kindconfig <file>", "a kind configuration file to use instead of the one rendered from the values");

/** `--cluster` of the seed: a stage name, or a kustomize folder applied as the kind stage. */
function clusterChoice(
  config: ProjectConfig,
  root: string,
  cluster: string | undefined,
  cwd: string,
): { stage: string; cluster?: string } {
  if (cluster && config.stages.some((candidate) => candidate.name === cluster))
    return { stage: kindStage(config, cluster).name };
  if (cluster && !existsSync(join(root, cluster, "kustomization.yaml")) && !existsSync(resolve(cwd, cluster))) {
    throw new Jore4FluxError(`--cluster ${cluster}: neither a stage nor a folder with a kustomization.yaml`, {
      exitCode: ExitCode.invalid,
    });
  }
  return { stage: kindStage(config).name, cluster };
}

export function kindCommand(context: Context): Command {
  const kind = new Command("kind").description(
    "the local kind cluster for end-to-end tests (needs kind and a Docker engine)",
  );
  kind
    .command("config")
    .description(
      "print the kind configuration rendered from the values (port mappings from ingress.hostPort and the services' hostPort/nodePort)",
    )
    .addOption(stageOption())
    .action((options: { stage?: string }, command: Command) => {
      const session = sessionFor(context, command, { dryRun: true });
      print(
        context,
        renderKindConfig(session.config, stageValues(session, kindStage(session.config, options.stage).name)),
      );
    });
  kind
    .command("diagram")
    .description("print the kind architecture and port-mapping picture as Graphviz DOT (docs/kindcluster.dot)")
    .addOption(stageOption())
    .addHelpText(
      "after",
      "\nExample:\n  $ jore4-flux kind diagram > docs/kindcluster.dot && dot -Tsvg docs/kindcluster.dot -o docs/kindcluster.svg",
    )
    .action((options: { stage?: string }, command: Command) => {
      const session = sessionFor(context, command, { dryRun: true });
      print(
        context,
        renderKindDiagram(session.config, stageValues(session, kindStage(session.config, options.stage).name)),
      );
    });
  kind
    .command("start")
    .description("create the kind cluster (unless it runs already), waiting 90 s for its nodes")
    .addOption(stageOption())
    .addOption(kindconfigOption())
    .option("--dry-run", "print the kind command and configuration; run nothing")
    .addHelpText("after", "\nExamples:\n  $ jore4-flux kind start\n  $ jore4-flux kind start --kindconfig my-kind.yaml")
    .action(async (options: { stage?: string; kindconfig?: string; dryRun?: boolean }, command: Command) => {
      const session = sessionFor(context, command, options);
      await startKind(session, kindStage(session.config, options.stage), options.kindconfig);
    });
  kind
    .command("stop")
    .description("delete the kind cluster")
    .option("--dry-run", "print the kind command; run nothing")
    .action(async (options: { dryRun?: boolean }, command: Command) => stopKind(sessionFor(context, command, options)));
  kind
    .command("login")
    .description("write the kind cluster's kube context and make the stage's namespace its default")
    .addOption(stageOption())
    .option("--dry-run", "print the commands; run nothing")
    .action(async (options: { stage?: string; dryRun?: boolean }, command: Command) => {
      const session = sessionFor(context, command, options);
      for (const step of loginSteps(session, kindStage(session.config, options.stage))) await session.run(step);
    });
  kind
    .command("check")
    .description("exit 0 when the kind cluster runs and the current kube context is its context")
    .option("--context <name>", "check this context instead of the current one")
    .action(async (options: { context?: string }, command: Command) => {
      const session = sessionFor(context, command, {});
      if (!(await kindClusterExists(session))) {
        throw new Jore4FluxError(`kind cluster ${session.config.kind.cluster} is not running`, {
          exitCode: ExitCode.findings,
          hint: "start it with `npx jore4-flux kind start`",
        });
      }
      const target = await resolveTarget(session, kindStage(session.config).name, { context: options.context });
      print(context, `kind cluster ${session.config.kind.cluster} runs; context ${target.context}`);
    });
  withGuardOptions(
    clusterOptions(
      kind
        .command("up")
        .description("start + deploy crds + deploy cluster: the whole end-to-end environment")
        .addOption(kindconfigOption())
        .option(
          "--existing-cluster",
          "use the cluster of the kube context (checked as usual) instead of creating one with kind",
        )
        .option("--crds-timeout <seconds>", "how long to wait for the ingress controller", "180"),
    ).addHelpText(
      "after",
      "\nExamples:\n  $ jore4-flux kind up\n  $ jore4-flux kind up --cluster clusters/e2e --set-image hsldevcom/jore4-ui:latest\n  $ jore4-flux kind up --dry-run",
    ),
  ).action(
    async (
      options: ClusterFlags & { kindconfig?: string; existingCluster?: boolean; crdsTimeout: string },
      command: Command,
    ) => {
      const session = sessionFor(context, command, options);
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
        timeoutSeconds: parseSeconds(options.crdsTimeout),
      });
      await deployCluster(session, target, { ...clusterDeployOptions(options), cluster: choice.cluster });
    },
  );
  withGuardOptions(
    kind
      .command("crds")
      .description("deploy crds for the kind stage (the seed's `kindcluster.sh deploy:crd`)")
      .option("--no-wait", "do not wait for the ingress controller"),
  ).action(async (options: { context?: string; dryRun?: boolean; wait: boolean }, command: Command) => {
    const session = sessionFor(context, command, options);
    const target = await resolveTarget(session, kindStage(session.config).name, options);
    await deployCrds(session, target, { skip: [], wait: options.wait, timeoutSeconds: 180 });
  });
  withGuardOptions(
    clusterOptions(
      kind
        .command("deploy")
        .description("deploy cluster for the kind stage (the seed's `kindcluster.sh deploy:cluster --cluster=…`)"),
    ),
  ).action(async (options: ClusterFlags, command: Command) => {
    const session = sessionFor(context, command, options);
    const choice = clusterChoice(session.config, session.root, options.cluster, context.cwd);
    const target = await resolveTarget(session, choice.stage, options);
    await deployCluster(session, target, { ...clusterDeployOptions(options), cluster: choice.cluster });
  });
  return kind;
}
