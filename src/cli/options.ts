import { Argument, Option, type Command, type OptionValues } from "@commander-js/extra-typings";
import { parseSeconds } from "../cluster/rollout.ts";
import { crdSteps, type CrdStep } from "../cluster/step.ts";
import { parseImageOverride, type ImageOverride } from "../values/image-reference.ts";

/**
 * Options more than one command has, each defined once (commands type their options from these
 * definitions through @commander-js/extra-typings; nothing is typed by hand).
 */
export const jsonOption = (what = "print the result as JSON") => new Option("--json", what);
export const yesOption = (what = "answer yes to confirmations (CI); prod otherwise asks on the terminal") =>
  new Option("-y, --yes", what);
export const noFetchOption = () => new Option("--no-fetch", "do not fetch the remote first");
export const pushOption = (what: string) => new Option("--push", what);
export const dryRunOption = (what: string) => new Option("--dry-run", what);
/** `--check` of every command over committed generated files (src/command/report.ts reports the same way). */
export const checkOption = (what: string) =>
  new Option(
    "--check",
    `write nothing; exit 1 when ${what} is stale, listing missing, changed and extra files with a diff`,
  );
export const contextOption = (
  what = "the kube context to use (must be the stage's; default: the current context, checked the same way)",
) => new Option("--context <name>", what);
/** A roll-out timeout: seconds or a duration (300, 5m, 1m30s), parsed to seconds. */
export const timeoutOption = <Flags extends string>(flags: Flags, what: string, seconds: number) =>
  new Option(flags, `${what} (e.g. ${seconds}, 5m)`).argParser(parseSeconds).default(seconds, String(seconds));
/** `--no-wait` of the commands that install the cluster prerequisites (deploy crds, kind crds). */
export const noWaitForIngressOption = () => new Option("--no-wait", "do not wait for the ingress controller");
/** The stages a command reads from their clusters (status, record): every stage unless named. */
export const everyStageArgument = () => new Argument("[stages...]", "the stages (default: every stage)");
export const skipOption = () =>
  new Option("--skip <step...>", "leave out steps (repeatable)").choices(crdSteps).default([] as CrdStep[]);

/** The options every cluster-changing command has: the context guard, confirmation and dry run. */
export function withGuardOptions<Args extends unknown[], Opts extends OptionValues>(command: Command<Args, Opts>) {
  return command
    .addOption(contextOption())
    .addOption(yesOption("confirm a stage that asks for confirmation (prod) without a prompt"))
    .addOption(dryRunOption("print the exact commands and objects; contact no cluster or cloud"));
}

/**
 * The options of every command that moves branches (promote, rollback, hotfix finish; their core
 * takes `BranchMoveOptions`, src/command/shell.ts): --push, --yes, --no-fetch and --json, in that
 * order, each described for the command.
 */
export function branchMoveOptions<Args extends unknown[], Opts extends OptionValues>(
  command: Command<Args, Opts>,
  what: { push: string; yes: string; json: string },
) {
  return command
    .addOption(pushOption(what.push))
    .addOption(yesOption(what.yes))
    .addOption(noFetchOption())
    .addOption(jsonOption(what.json));
}

const collectImage = (value: string, previous: ImageOverride[]) => [...previous, parseImageOverride(value)];

/** What `deploy cluster`, `kind up` and `kind deploy` apply and how. */
export function clusterOptions<Args extends unknown[], Opts extends OptionValues>(command: Command<Args, Opts>) {
  return command
    .option("--cluster <dir>", "the kustomize folder to apply, relative to the repository (default: clusters/<stage>)")
    .addOption(
      new Option(
        "--set-image <image>",
        "replace an image for this deploy only: SERVICE=IMAGE (e.g. ui=hsldevcom/jore4-ui:latest), IMAGE-NAME=IMAGE, or IMAGE for the image of that name (repeatable)",
      )
        .argParser(collectImage)
        .default([] as ImageOverride[]),
    )
    .option("--server-dry-run", "ask the cluster (server-side dry run) and print the semantic change; apply nothing")
    .option("--prune", "delete objects an earlier deploy of this stage applied that the stage no longer has")
    .option("--no-wait", "do not wait for the Deployments to roll out")
    .addOption(timeoutOption("--timeout <duration>", "how long to wait for the roll-out", 300));
}
