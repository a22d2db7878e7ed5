import type { Command } from "commander";
import { Option } from "commander";
import { parseImageOverride } from "../cluster/objects.ts";
import { parseSeconds } from "../cluster/rollout.ts";
import { openSession } from "../cluster/session.ts";
import type { Context } from "../context.ts";
import { repositoryRoot } from "./context.ts";

/** Options and session set-up shared by the commands that touch clusters (deploy, kind, login, context). */
export interface GuardOptions {
  context?: string;
  yes?: boolean;
  dryRun?: boolean;
}

/** The options every cluster-changing command has: the context guard, confirmation and dry run. */
export function withGuardOptions(command: Command): Command {
  return command
    .option(
      "--context <name>",
      "the kube context to use (must be the stage's; default: the current context, checked the same way)",
    )
    .option("--yes", "confirm a stage that asks for confirmation (prod) without a prompt")
    .option("--dry-run", "print the exact commands and objects; contact no cluster or cloud");
}

/** The cluster session of a command; with `json`, a dry run's script goes to stderr (stdout holds the JSON). */
export function sessionFor(context: Context, command: Command, options: GuardOptions & { json?: boolean }) {
  return openSession(context, repositoryRoot(context, command), {
    dryRun: options.dryRun ?? false,
    json: options.json ?? false,
  });
}

export const collect = (value: string, previous: string[]) => [...previous, value];

export function clusterOptions(command: Command): Command {
  return command
    .option("--cluster <dir>", "the kustomize folder to apply, relative to the repository (default: clusters/<stage>)")
    .option(
      "--set-image <image>",
      "replace an image for this deploy only: SERVICE=IMAGE (e.g. ui=hsldevcom/jore4-ui:latest), IMAGE-NAME=IMAGE, or IMAGE for the image of that name (repeatable)",
      collect,
      [],
    )
    .option("--server-dry-run", "ask the cluster (server-side dry run) and print the semantic change; apply nothing")
    .option("--prune", "delete objects an earlier deploy of this stage applied that the stage no longer has")
    .option("--no-wait", "do not wait for the Deployments to roll out")
    .addOption(new Option("--timeout <seconds>", "how long to wait for the roll-out (e.g. 300, 5m)").default("300"));
}

export interface ClusterFlags extends GuardOptions {
  cluster?: string;
  setImage: string[];
  serverDryRun?: boolean;
  prune?: boolean;
  wait: boolean;
  timeout: string;
}

export function clusterDeployOptions(options: ClusterFlags) {
  return {
    cluster: options.cluster,
    images: options.setImage.map(parseImageOverride),
    serverDryRun: options.serverDryRun ?? false,
    prune: options.prune ?? false,
    wait: options.wait,
    timeoutSeconds: parseSeconds(options.timeout),
  };
}
