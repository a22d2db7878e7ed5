import type { IConfigMap, ISecret, IService } from "kubernetes-models/v1";
import type { IDeployment } from "kubernetes-models/apps/v1";
import type {
  IIoK8sApiCoreV1Container as Container,
  IIoK8sApiCoreV1Probe as Probe,
  IIoK8sApiCoreV1Volume as Volume,
} from "kubernetes-models/v1";
import type { StageConfig } from "../config/project.ts";
import type { ServiceValues, Values } from "../values/schema.ts";
import { plainObject, type KubeObject } from "../kube/object.ts";
import { kubernetesYaml } from "../kube/yaml.ts";
import { appLabels, containerName, envConfigMapName, objectName, secretsName, secretsVolumeName } from "./names.ts";

function sortedEntries<T>(record: Record<string, T>): [string, T][] {
  return Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function probe(service: ServiceValues, values: ServiceValues["probe"]): Probe | undefined {
  if (!values) return undefined;
  const { httpPath, command, ...timing } = values;
  if (httpPath) return { httpGet: { path: httpPath, port: service.containerPort }, ...timing };
  if (command) return { exec: { command }, ...timing };
  return undefined;
}

function envConfigMap(name: string, service: ServiceValues, namespace: string): KubeObject[] {
  if (Object.keys(service.env).length === 0) return [];
  const data = Object.fromEntries(sortedEntries(service.env).map(([key, value]) => [key, String(value)]));
  return [
    plainObject<IConfigMap>({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: envConfigMapName(name), namespace, labels: appLabels(name) },
      data,
    }),
  ];
}

/** The Secrets Store CSI driver's object that maps Key Vault secrets to file names. */
function secretProviderClass(name: string, service: ServiceValues, values: Values): KubeObject {
  return {
    apiVersion: "secrets-store.csi.x-k8s.io/v1",
    kind: "SecretProviderClass",
    metadata: { name: secretsName(name), namespace: values.namespace, labels: appLabels(name) },
    spec: keyVaultProviderSpec(
      values,
      sortedEntries(service.secrets).map(([file, secret]) => ({ keyVault: secret.keyVault, alias: file })),
    ),
  };
}

/** A SecretProviderClass's spec reading secrets (by Key Vault name, under a file alias) from the stage's Key Vault. */
export function keyVaultProviderSpec(
  values: Values,
  secrets: readonly { keyVault: string | undefined; alias: string }[],
): { provider: "azure"; parameters: Record<string, string> } {
  const { keyVault, tenantId } = values.secretStore;
  // Plain data without undefined fields, as check validates the rendered objects themselves.
  return {
    provider: "azure",
    parameters: {
      usePodIdentity: "false",
      useVMManagedIdentity: "true",
      ...(keyVault !== undefined ? { keyvaultName: keyVault } : {}),
      ...(tenantId !== undefined ? { tenantId } : {}),
      objects: keyVaultObjects(secrets),
    },
  };
}

/** The driver's `objects` parameter: one YAML text listing the secrets it copies. */
function keyVaultObjects(secrets: readonly { keyVault: string | undefined; alias: string }[]): string {
  const objects = secrets.map((secret) =>
    kubernetesYaml({ objectName: secret.keyVault, objectType: "secret", objectAlias: secret.alias }),
  );
  return kubernetesYaml({ array: objects });
}

function localSecret(name: string, service: ServiceValues, namespace: string): KubeObject {
  const stringData = Object.fromEntries(
    sortedEntries(service.secrets).map(([file, secret]) => [file, String(secret.local ?? "")]),
  );
  return plainObject<ISecret>({
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: secretsName(name), namespace, labels: appLabels(name) },
    type: "Opaque",
    stringData,
  });
}

/** AKS stages read secrets from the Key Vault through the CSI driver; kind stages from a local Secret, at the same path. */
function secretObjects(
  name: string,
  service: ServiceValues,
  values: Values,
  stage: StageConfig,
): { objects: KubeObject[]; volume?: Volume } {
  if (Object.keys(service.secrets).length === 0) return { objects: [] };
  if (stage.platform === "aks") {
    return {
      objects: [secretProviderClass(name, service, values)],
      volume: {
        name: secretsVolumeName,
        csi: {
          driver: "secrets-store.csi.k8s.io",
          readOnly: true,
          volumeAttributes: { secretProviderClass: secretsName(name) },
        },
      },
    };
  }
  return {
    objects: [localSecret(name, service, values.namespace)],
    volume: { name: secretsVolumeName, secret: { secretName: secretsName(name) } },
  };
}

function container(name: string, service: ServiceValues, values: Values, mountSecrets: boolean): Container {
  const health = probe(service, service.probe);
  const startup = probe(service, service.startupProbe);
  return {
    name: containerName(name),
    image: service.image,
    imagePullPolicy: "Always",
    ports: [{ containerPort: service.containerPort, protocol: "TCP" }],
    ...(Object.keys(service.env).length > 0 ? { envFrom: [{ configMapRef: { name: envConfigMapName(name) } }] } : {}),
    ...(health ? { livenessProbe: health, readinessProbe: health } : {}),
    ...(startup ? { startupProbe: startup } : {}),
    ...(service.resources ? { resources: service.resources } : {}),
    ...(mountSecrets
      ? { volumeMounts: [{ name: secretsVolumeName, mountPath: values.secretStore.mountPath, readOnly: true }] }
      : {}),
  };
}

function deployment(name: string, service: ServiceValues, values: Values, volume: Volume | undefined): KubeObject {
  return plainObject<IDeployment>({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: objectName(name), namespace: values.namespace, labels: appLabels(name) },
    spec: {
      replicas: service.replicas,
      selector: { matchLabels: appLabels(name) },
      template: {
        metadata: { labels: appLabels(name) },
        spec: {
          containers: [container(name, service, values, volume !== undefined)],
          ...(volume ? { volumes: [volume] } : {}),
        },
      },
    },
  });
}

function kubeService(name: string, service: ServiceValues, namespace: string): KubeObject {
  const port = {
    port: service.containerPort,
    targetPort: service.containerPort,
    protocol: "TCP" as const,
    ...(service.nodePort ? { nodePort: service.nodePort } : {}),
  };
  return plainObject<IService>({
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: objectName(name), namespace, labels: appLabels(name) },
    spec: { type: service.serviceType, selector: appLabels(name), ports: [port] },
  });
}

/** All objects of one service: env ConfigMap, secrets, Deployment and Service. */
export function serviceObjects(name: string, service: ServiceValues, values: Values, stage: StageConfig): KubeObject[] {
  const secrets = secretObjects(name, service, values, stage);
  return [
    ...envConfigMap(name, service, values.namespace),
    ...secrets.objects,
    deployment(name, service, values, secrets.volume),
    kubeService(name, service, values.namespace),
  ];
}
