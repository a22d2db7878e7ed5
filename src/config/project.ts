import * as z from "zod";
import { ExitCode, Jore4FluxError } from "../errors.ts";
import { durationSeconds } from "./duration.ts";
import { dnsLabel, duration } from "./fields.ts";

/**
 * The project configuration (`jore4-flux.yaml`): which stages exist, where each runs, which git
 * branch it follows and where it is promoted from. Stages are configuration, not code.
 */
export const platforms = ["aks", "kind"] as const;
export const promotionStrategies = ["merge", "fast-forward"] as const;
export type PromotionStrategy = (typeof promotionStrategies)[number];

/** The prefix of every object a service renders to (`jore4-<service>`, src/render/names.ts). */
export const objectPrefix = "jore4-";
export type Platform = (typeof platforms)[number];

/** A branch name git accepts (`git check-ref-format --branch`), and not one git reads as something else. */
export function isBranchName(name: string): boolean {
  if (name === "HEAD" || name === "@" || name.startsWith("-")) return false;
  if ([...name].some((char) => char.charCodeAt(0) <= 0x20 || char.charCodeAt(0) === 0x7f)) return false;
  if (/[~^:?*[\\]|\.\.|@\{|\/\/|^\/|\/$|\.$/.test(name)) return false;
  return name.split("/").every((part) => !part.startsWith(".") && !part.endsWith(".lock"));
}

const branchName = z
  .string()
  .min(1)
  .refine(
    isBranchName,
    "must be a branch name git accepts (no spaces, '..', '~^:?*[\\', '@{', leading '-' or '.', HEAD)",
  );

const stageSchema = z.strictObject({
  name: dnsLabel,
  platform: z.enum(platforms),
  /** The git branch the stage's configuration lives on (defaults to the stage name). */
  branch: branchName.optional(),
  /** The branch merged into this stage's branch by `promote` (defaults to the main branch). */
  promotedFrom: branchName.optional(),
  /** Flux syncs the stage from its branch (default: AKS stages). kind stages are applied directly. */
  fluxSync: z.boolean().optional(),
  /** Changing this stage asks for confirmation (or `--yes`). */
  confirm: z.boolean().default(false),
  /**
   * What the deployment record must prove of the stage promoted from before `promote` moves this
   * one (src/evidence/gate.ts): the commit applied and rolled out there, run `soak` since, no failure.
   */
  gate: z.strictObject({ soak: duration }).optional(),
  /** `merge`: a `--no-ff` merge commit per promotion; `fast-forward`: the branch moves to the promoted commit. */
  strategy: z.enum(promotionStrategies).default("merge"),
  /** Slack notifications of this stage's Flux sync (Flux-synced stages only); defaults from `flux.notifications`. */
  notifications: z
    .strictObject({
      enabled: z.boolean().optional(),
      channel: z.string().min(1).optional(),
    })
    .optional(),
});

/**
 * Flux's notification-controller posts the sync's events (applied revision, failures) to Slack.
 * The webhook address is never in git: on AKS a SecretProviderClass copies it from the stage's
 * Key Vault into a Secret; elsewhere the Secret is created by hand (or by the test).
 */
const notificationsSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** The Slack channel, e.g. jore4-deployments (a stage may name its own). */
  channel: z.string().min(1),
  /** The Key Vault secret (AKS) holding the Slack webhook address. */
  keyVaultSecret: z.string().min(1).default("jore4-flux-slack-webhook"),
  /** The Kubernetes Secret (key `address`) the Provider reads the webhook address from. */
  secretName: dnsLabel.default("jore4-flux-slack-webhook"),
});

const projectSchema = z.strictObject({
  repository: z.strictObject({
    url: z.string().url("must be the URL Flux clones the repository from"),
    mainBranch: branchName.default("main"),
  }),
  flux: z
    .strictObject({
      namespace: dnsLabel.default("flux-system"),
      sourceName: dnsLabel.default("flux-repo"),
      syncName: dnsLabel.default("flux-system-sync"),
      interval: duration.default("1m"),
      prune: z.boolean().default(true),
      notifications: notificationsSchema.optional(),
    })
    .prefault({}),
  paths: z
    .strictObject({
      values: z.string().default("values"),
      manifests: z.string().default("manifests"),
      clusters: z.string().default("clusters"),
      /** The docker-compose bundles of the kind stages (`<compose>/<stage>/`), generated like clusters/. */
      compose: z.string().default("compose"),
    })
    .prefault({}),
  aks: z.strictObject({
    subscription: z.string().min(1),
    /** `{stage}` is replaced by the stage name in these three. */
    resourceGroup: z.string().min(1),
    cluster: z.string().min(1),
    context: z.string().min(1),
    secretStoreDriver: z.strictObject({
      chartRepository: z.string().url(),
      chart: z.string().min(1),
      version: z.string().min(1),
      namespace: dnsLabel,
    }),
  }),
  kind: z.strictObject({
    cluster: dnsLabel,
    context: z.string().min(1),
  }),
  stages: z.array(stageSchema).min(1),
  /**
   * Keys (dotted, `*` for one segment) that AKS stages may set in their own values files; any
   * other override there is drift from the shared configuration.
   */
  stageSpecificKeys: z.array(z.string().min(1)).default([]),
  /** Settings of `check`: a rule id → error, warning or off (e.g. `resources: error`). */
  check: z
    .strictObject({
      severity: z.record(z.string().min(1), z.enum(["error", "warning", "off"])).default({}),
    })
    .prefault({}),
});

export type ProjectConfigParsed = z.output<typeof projectSchema>;
export { projectSchema };

export interface StageConfig {
  name: string;
  platform: Platform;
  branch: string;
  promotedFrom: string;
  fluxSync: boolean;
  confirm: boolean;
  /** The promotion gate (src/evidence/gate.ts); undefined: ungated. */
  gate?: { soakSeconds: number } | undefined;
  /** How `promote` moves the branch; undefined: merge. */
  strategy?: PromotionStrategy | undefined;
  /** undefined: no notifications for this stage. */
  notifications?: StageNotifications | undefined;
}

export interface StageNotifications {
  channel: string;
  keyVaultSecret: string;
  secretName: string;
}

function stageNotifications(
  parsed: ProjectConfigParsed,
  stage: ProjectConfigParsed["stages"][number],
  fluxSync: boolean,
): StageNotifications | undefined {
  const defaults = parsed.flux.notifications;
  if (!fluxSync || !defaults || !(stage.notifications?.enabled ?? defaults.enabled)) return undefined;
  return {
    channel: stage.notifications?.channel ?? defaults.channel,
    keyVaultSecret: defaults.keyVaultSecret,
    secretName: defaults.secretName,
  };
}

export interface ProjectConfig extends Omit<ProjectConfigParsed, "stages"> {
  stages: StageConfig[];
}

/** Fills in the defaults that depend on other fields. */
export function resolveStages(parsed: ProjectConfigParsed): ProjectConfig {
  const stages = parsed.stages.map((stage) => {
    const fluxSync = stage.fluxSync ?? stage.platform === "aks";
    return {
      name: stage.name,
      platform: stage.platform,
      branch: stage.branch ?? stage.name,
      promotedFrom: stage.promotedFrom ?? parsed.repository.mainBranch,
      fluxSync,
      confirm: stage.confirm,
      ...(stage.gate ? { gate: { soakSeconds: durationSeconds(stage.gate.soak)! } } : {}),
      strategy: stage.strategy,
      notifications: stageNotifications(parsed, stage, fluxSync),
    };
  });
  return { ...parsed, stages };
}

export function expandStagePattern(pattern: string, stage: string): string {
  return pattern.replaceAll("{stage}", stage);
}

/** The named stage, or an input error listing the stages there are. */
export function findStage(config: ProjectConfig, name: string): StageConfig {
  const stage = config.stages.find((candidate) => candidate.name === name);
  if (stage) return stage;
  throw new Jore4FluxError(
    `unknown stage '${name}'; stages in jore4-flux.yaml: ${config.stages.map((known) => known.name).join(", ")}`,
    {
      exitCode: ExitCode.invalid,
    },
  );
}

/** The stages named on a command line, each once, in the order first named (none named: every stage). */
export function findStages(config: ProjectConfig, names: readonly string[]): StageConfig[] {
  return names.length === 0 ? [...config.stages] : [...new Set(names)].map((name) => findStage(config, name));
}
