import { Command, Option } from "@commander-js/extra-typings";
import type * as Core from "../../command/kind.ts";
import {
  clusterOptions,
  contextOption,
  dryRunOption,
  noWaitForIngressOption,
  timeoutOption,
  withGuardOptions,
} from "../options.ts";
import { globals, type CommandEntry } from "../registry.ts";

const stageOption = () => new Option("--stage <name>", "the kind stage (default: the first stage with platform kind)");
const kindconfigOption = () =>
  new Option("--kindconfig <file>", "a kind configuration file to use instead of the one rendered from the values");

export const kind: CommandEntry<typeof Core> = {
  define(context, core) {
    const kind = new Command("kind").description(
      "the local kind cluster for end-to-end tests (needs kind and a Docker engine)",
    );
    kind
      .command("config")
      .description(
        "print the kind configuration rendered from the values (port mappings from ingress.hostPort and the services' hostPort/nodePort)",
      )
      .addOption(stageOption())
      .action(async (options, command) => (await core()).run.config({ ...globals(command), ...options }, context));
    kind
      .command("diagram")
      .description("print the kind architecture and port-mapping picture as Graphviz DOT (docs/kindcluster.dot)")
      .addOption(stageOption())
      .addHelpText(
        "after",
        "\nExample:\n  $ jore4-flux kind diagram > docs/kindcluster.dot && dot -Tsvg docs/kindcluster.dot -o docs/kindcluster.svg",
      )
      .action(async (options, command) => (await core()).run.diagram({ ...globals(command), ...options }, context));
    kind
      .command("start")
      .description("create the kind cluster (unless it runs already), waiting 90 s for its nodes")
      .addOption(stageOption())
      .addOption(kindconfigOption())
      .addOption(dryRunOption("print the kind command and configuration; run nothing"))
      .addHelpText(
        "after",
        "\nExamples:\n  $ jore4-flux kind start\n  $ jore4-flux kind start --kindconfig my-kind.yaml",
      )
      .action(async (options, command) => (await core()).run.start({ ...globals(command), ...options }, context));
    kind
      .command("stop")
      .description("delete the kind cluster")
      .addOption(dryRunOption("print the kind command; run nothing"))
      .action(async (options, command) => (await core()).run.stop({ ...globals(command), ...options }, context));
    kind
      .command("login")
      .description("write the kind cluster's kube context and make the stage's namespace its default")
      .addOption(stageOption())
      .addOption(dryRunOption("print the commands; run nothing"))
      .action(async (options, command) => (await core()).run.login({ ...globals(command), ...options }, context));
    kind
      .command("check")
      .description("exit 0 when the kind cluster runs and the current kube context is its context")
      .addOption(contextOption("check this context instead of the current one"))
      .action(async (options, command) => (await core()).run.check({ ...globals(command), ...options }, context));
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
    ).action(async (options, command) => (await core()).run.up({ ...globals(command), ...options }, context));
    withGuardOptions(
      kind
        .command("crds")
        .description("deploy crds for the kind stage (the seed's `kindcluster.sh deploy:crd`)")
        .addOption(noWaitForIngressOption()),
    ).action(async (options, command) => (await core()).run.crds({ ...globals(command), ...options }, context));
    withGuardOptions(
      clusterOptions(
        kind
          .command("deploy")
          .description("deploy cluster for the kind stage (the seed's `kindcluster.sh deploy:cluster --cluster=…`)"),
      ),
    ).action(async (options, command) => (await core()).run.deploy({ ...globals(command), ...options }, context));
    return kind;
  },
  run: () => import("../../command/kind.ts"),
};
