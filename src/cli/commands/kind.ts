import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { Command, Option, type CommandUnknownOpts } from "@commander-js/extra-typings";
import type { ProjectConfig } from "../../config/project.ts";
import { ExitCode, Jore4FluxError } from "../../errors.ts";
import { print, type Context } from "../../context.ts";
import {
  clusterDeployOptions,
  clusterOptions,
  contextOption,
  dryRunOption,
  sessionFor,
  timeoutOption,
  withGuardOptions,
} from "../options.ts";

const stageOption = () => new Option("--stage <name>", "the kind stage (default: the first stage with platform kind)");
const kindconfigOption = () =>
  new Option("--kindconfig <file>", "a kind configuration file to use instead of the one rendered from the values");

/** `--cluster` of the seed: a stage name, or a kustomize folder applied as the kind stage. */
async function clusterChoice(
  config: ProjectConfig,
  root: string,
  cluster: string | undefined,
  cwd: string,
): Promise<{ stage: string; cluster?: string }> {
  const { kindStage } = await import("../../cluster/context-guard.ts");
  if (cluster && config.stages.some((candidate) => candidate.name === cluster))
    return { stage: kindStage(config, cluster).name };
  if (cluster && !existsSync(join(root, cluster, "kustomization.yaml")) && !existsSync(resolve(cwd, cluster))) {
    throw new Jore4FluxError(`--cluster ${cluster}: neither a stage nor a folder with a kustomization.yaml`, {
      exitCode: ExitCode.invalid,
    });
  }
  return { stage: kindStage(config).name, cluster };
}

export function kindCommand(context: Context): CommandUnknownOpts {
  const kind = new Command("kind").description(
    "the local kind cluster for end-to-end tests (needs kind and a Docker engine)",
  );
  kind
    .command("config")
    .description(
      "print the kind configuration rendered from the values (port mappings from ingress.hostPort and the services' hostPort/nodePort)",
    )
    .addOption(stageOption())
    .action(async (options, command) => {
      const { kindStage } = await import("../../cluster/context-guard.ts");
      const { renderKindConfig } = await import("../../cluster/kind.ts");
      const { stageValues } = await import("../../cluster/login.ts");
      const session = await sessionFor(context, command, { dryRun: true });
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
    .action(async (options, command) => {
      const { kindStage } = await import("../../cluster/context-guard.ts");
      const { renderKindDiagram } = await import("../../cluster/kind.ts");
      const { stageValues } = await import("../../cluster/login.ts");
      const session = await sessionFor(context, command, { dryRun: true });
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
    .addOption(dryRunOption("print the kind command and configuration; run nothing"))
    .addHelpText("after", "\nExamples:\n  $ jore4-flux kind start\n  $ jore4-flux kind start --kindconfig my-kind.yaml")
    .action(async (options, command) => {
      const { kindStage } = await import("../../cluster/context-guard.ts");
      const { startKind } = await import("../../cluster/kind-cluster.ts");
      const session = await sessionFor(context, command, options);
      await startKind(session, kindStage(session.config, options.stage), options.kindconfig);
    });
  kind
    .command("stop")
    .description("delete the kind cluster")
    .addOption(dryRunOption("print the kind command; run nothing"))
    .action(async (options, command) => {
      const { stopKind } = await import("../../cluster/kind-cluster.ts");
      await stopKind(await sessionFor(context, command, options));
    });
  kind
    .command("login")
    .description("write the kind cluster's kube context and make the stage's namespace its default")
    .addOption(stageOption())
    .addOption(dryRunOption("print the commands; run nothing"))
    .action(async (options, command) => {
      const { kindStage } = await import("../../cluster/context-guard.ts");
      const { loginSteps } = await import("../../cluster/login.ts");
      const session = await sessionFor(context, command, options);
      for (const step of loginSteps(session, kindStage(session.config, options.stage))) await session.run(step);
    });
  kind
    .command("check")
    .description("exit 0 when the kind cluster runs and the current kube context is its context")
    .addOption(contextOption("check this context instead of the current one"))
    .action(async (options, command) => {
      const { kindStage } = await import("../../cluster/context-guard.ts");
      const { kindClusterExists } = await import("../../cluster/kind-cluster.ts");
      const { resolveTarget } = await import("../../cluster/target.ts");
      const session = await sessionFor(context, command, {});
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
        .addOption(timeoutOption("--crds-timeout <duration>", "how long to wait for the ingress controller", 180)),
    ).addHelpText(
      "after",
      "\nExamples:\n  $ jore4-flux kind up\n  $ jore4-flux kind up --cluster clusters/e2e --set-image hsldevcom/jore4-ui:latest\n  $ jore4-flux kind up --dry-run",
    ),
  ).action(async (options, command) => {
    const { kindStage } = await import("../../cluster/context-guard.ts");
    const { deployCluster } = await import("../../cluster/deploy-cluster.ts");
    const { deployCrds } = await import("../../cluster/deploy-crds.ts");
    const { startKind } = await import("../../cluster/kind-cluster.ts");
    const { loginSteps } = await import("../../cluster/login.ts");
    const { resolveTarget } = await import("../../cluster/target.ts");
    const session = await sessionFor(context, command, options);
    const choice = await clusterChoice(session.config, session.root, options.cluster, context.cwd);
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
  });
  withGuardOptions(
    kind
      .command("crds")
      .description("deploy crds for the kind stage (the seed's `kindcluster.sh deploy:crd`)")
      .option("--no-wait", "do not wait for the ingress controller"),
  ).action(async (options, command) => {
    const { kindStage } = await import("../../cluster/context-guard.ts");
    const { deployCrds } = await import("../../cluster/deploy-crds.ts");
    const { resolveTarget } = await import("../../cluster/target.ts");
    const session = await sessionFor(context, command, options);
    const target = await resolveTarget(session, kindStage(session.config).name, options);
    await deployCrds(session, target, { skip: [], wait: options.wait, timeoutSeconds: 180 });
  });
  withGuardOptions(
    clusterOptions(
      kind
        .command("deploy")
        .description("deploy cluster for the kind stage (the seed's `kindcluster.sh deploy:cluster --cluster=…`)"),
    ),
  ).action(async (options, command) => {
    const { deployCluster } = await import("../../cluster/deploy-cluster.ts");
    const { resolveTarget } = await import("../../cluster/target.ts");
    const session = await sessionFor(context, command, options);
    const choice = await clusterChoice(session.config, session.root, options.cluster, context.cwd);
    const target = await resolveTarget(session, choice.stage, options);
    await deployCluster(session, target, { ...clusterDeployOptions(options), cluster: choice.cluster });
  });
  return kind;
}
