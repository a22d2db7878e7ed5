import type { IGitRepository } from "@kubernetes-models/flux-cd/source.toolkit.fluxcd.io/v1";
import type { IKustomization } from "@kubernetes-models/flux-cd/kustomize.toolkit.fluxcd.io/v1";
import type { IAlert, IProvider } from "@kubernetes-models/flux-cd/notification.toolkit.fluxcd.io/v1beta3";
import type { IDeployment } from "kubernetes-models/apps/v1";
import type { ProjectConfig, StageConfig, StageNotifications } from "../config/project.ts";
import type { Values } from "../values/schema.ts";
import { plainObject, type KubeObject } from "../kube/object.ts";
import { keyVaultProviderSpec } from "./service.ts";

/** Flux watches the stage's branch and applies the stage's folder, including this sync itself. */
export function fluxSyncObjects(config: ProjectConfig, stage: StageConfig): KubeObject[] {
  const { flux } = config;
  return [
    plainObject<IGitRepository>({
      apiVersion: "source.toolkit.fluxcd.io/v1",
      kind: "GitRepository",
      metadata: { name: flux.sourceName, namespace: flux.namespace },
      spec: { interval: flux.interval, ref: { branch: stage.branch }, url: config.repository.url },
    }),
    plainObject<IKustomization>({
      apiVersion: "kustomize.toolkit.fluxcd.io/v1",
      kind: "Kustomization",
      metadata: { name: flux.syncName, namespace: flux.namespace },
      spec: {
        interval: flux.interval,
        path: `./${config.paths.clusters}/${stage.name}`,
        prune: flux.prune,
        sourceRef: { kind: "GitRepository", name: flux.sourceName },
      },
    }),
  ];
}

/** Names of the notification objects in the Flux namespace. */
export const notificationNames = { provider: "jore4-flux-slack", alert: "jore4-flux-sync" } as const;

/** The Secrets Store CSI driver copies the Key Vault secret into a Secret only while a pod mounts it: this one does, and nothing else. */
const secretSyncName = "jore4-flux-slack-webhook-sync";
const pauseImage = "registry.k8s.io/pause:3.10";

function webhookFromKeyVault(config: ProjectConfig, notifications: StageNotifications, values: Values): KubeObject[] {
  const namespace = config.flux.namespace;
  const labels = { app: secretSyncName };
  return [
    {
      apiVersion: "secrets-store.csi.x-k8s.io/v1",
      kind: "SecretProviderClass",
      metadata: { name: notifications.secretName, namespace },
      spec: {
        ...keyVaultProviderSpec(values, [{ keyVault: notifications.keyVaultSecret, alias: "address" }]),
        secretObjects: [
          {
            secretName: notifications.secretName,
            type: "Opaque",
            data: [{ objectName: "address", key: "address" }],
          },
        ],
      },
    },
    plainObject<IDeployment>({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: secretSyncName, namespace, labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            containers: [
              {
                name: "pause",
                image: pauseImage,
                resources: { requests: { cpu: "1m", memory: "8Mi" }, limits: { cpu: "10m", memory: "16Mi" } },
                // The image holds nothing but /pause, whose -v prints its version and exits 0.
                livenessProbe: { exec: { command: ["/pause", "-v"] } },
                readinessProbe: { exec: { command: ["/pause", "-v"] } },
                volumeMounts: [{ name: "webhook", mountPath: "/mnt/secrets-store", readOnly: true }],
              },
            ],
            volumes: [
              {
                name: "webhook",
                csi: {
                  driver: "secrets-store.csi.k8s.io",
                  readOnly: true,
                  volumeAttributes: { secretProviderClass: notifications.secretName },
                },
              },
            ],
          },
        },
      },
    }),
  ];
}

/**
 * Slack notifications of a stage's Flux sync: a Provider whose webhook address comes from a Secret
 * (never from git) and an Alert on the stage's GitRepository and Kustomization. Severity info
 * sends both info (applied revision) and error events. On AKS the Secret is synced from the
 * stage's Key Vault; on other stages it is created by hand.
 */
export function fluxNotificationObjects(config: ProjectConfig, stage: StageConfig, values: Values): KubeObject[] {
  const notifications = stage.notifications;
  if (!notifications) return [];
  const { flux } = config;
  return [
    plainObject<IProvider>({
      apiVersion: "notification.toolkit.fluxcd.io/v1beta3",
      kind: "Provider",
      metadata: { name: notificationNames.provider, namespace: flux.namespace },
      spec: {
        type: "slack",
        channel: notifications.channel,
        username: `jore4-flux ${stage.name}`,
        secretRef: { name: notifications.secretName },
      },
    }),
    plainObject<IAlert>({
      apiVersion: "notification.toolkit.fluxcd.io/v1beta3",
      kind: "Alert",
      metadata: { name: notificationNames.alert, namespace: flux.namespace },
      spec: {
        providerRef: { name: notificationNames.provider },
        eventSeverity: "info",
        eventSources: [
          { kind: "GitRepository", name: flux.sourceName },
          { kind: "Kustomization", name: flux.syncName },
        ],
        eventMetadata: { stage: stage.name },
      },
    }),
    ...(stage.platform === "aks" ? webhookFromKeyVault(config, notifications, values) : []),
  ];
}
