import * as z from "zod";
import { dnsLabel } from "../config/fields.ts";
import { absolutePath, imageReference, nodePort, port } from "./fields.ts";

/**
 * The values of one stage, after the shared file and the stage's override are merged.
 * Every object is strict: an unknown key is a typo, and typos must not pass silently.
 */
const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be an environment variable name");
const envValue = z.union([z.string(), z.number(), z.boolean()], "must be a string, number or boolean");
const fileName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "must be a plain file name (the secret's file under the mount path)");

const secretSchema = z.strictObject({
  /** Name of the secret in the stage's Azure Key Vault (AKS stages). */
  keyVault: z
    .string()
    .regex(/^[0-9a-zA-Z-]{1,127}$/, "must be a Key Vault secret name")
    .optional(),
  /** The secret's value itself, for local stages only (kind). */
  local: z.union([z.string(), z.number(), z.boolean()], "must be a string, number or boolean").optional(),
});

const quantity = z.union([
  z.string().regex(/^[0-9.]+(m|k|Ki|Mi|Gi|Ti|M|G|T)?$/, "must be a Kubernetes quantity like 100m or 256Mi"),
  z.number(),
]);
const resourceList = z.strictObject({ cpu: quantity.optional(), memory: quantity.optional() });

const seconds = (min: number) => z.int().min(min).max(3600);

const probeSchema = z
  .strictObject({
    /** HTTP GET path on the container port. */
    httpPath: absolutePath.optional(),
    /** A command run in the container (for services without HTTP, e.g. a database). */
    command: z.array(z.string()).min(1).optional(),
    initialDelaySeconds: seconds(0).optional(),
    periodSeconds: seconds(1).optional(),
    timeoutSeconds: seconds(1).optional(),
    failureThreshold: z.int().min(1).max(1000).optional(),
  })
  .refine((probe) => (probe.httpPath === undefined) !== (probe.command === undefined), {
    message: "set exactly one of httpPath and command",
  })
  .refine((probe) => (probe.timeoutSeconds ?? 1) <= (probe.periodSeconds ?? 10), {
    message: "timeoutSeconds must not exceed periodSeconds (default 10)",
    path: ["timeoutSeconds"],
  });

const waiverSchema = z.strictObject({
  rule: z.string().min(1),
  reason: z.string().min(1, "a waiver needs a reason"),
});

export const serviceSchema = z.strictObject({
  enabled: z.boolean().default(true),
  image: imageReference,
  /** Tags of the image's repository that `images latest|update` considers (e.g. `main`, `hsl-main`). */
  tagPrefix: z
    .string()
    .regex(/^[\w][\w.-]{0,127}$/, "must be the start of an image tag, e.g. main or hsl-main")
    .optional(),
  containerPort: port,
  serviceType: z.enum(["ClusterIP", "NodePort"]).default("ClusterIP"),
  /** The node port of a NodePort service. */
  nodePort: nodePort.optional(),
  /** Host port the kind cluster maps to this service's node port. */
  hostPort: port.optional(),
  /** Port on the developer's machine for local runs. */
  localPort: port.optional(),
  replicas: z.int().min(0).max(100).default(1),
  probe: probeSchema.optional(),
  /** A probe that holds off liveness and readiness until it succeeds (a slow starter, e.g. a database restoring a dump). */
  startupProbe: probeSchema.optional(),
  env: z.record(envName, envValue).default({}),
  /** Files mounted read-only under `secretStore.mountPath`, keyed by file name. */
  secrets: z.record(fileName, secretSchema).default({}),
  /**
   * Services this one needs running before it starts (hasura its database), each enabled in the
   * stage. The compose bundle renders them as `depends_on`, waiting until each is healthy (started,
   * for one without a probe): databases come up first. Kubernetes has no start order; there a pod
   * is restarted until what it needs answers.
   */
  dependsOn: z.array(dnsLabel).default([]),
  /** Public path prefix the ingress routes to this service (`/` for the UI). */
  ingressPath: z
    .string()
    .regex(/^\/([A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*)?$/, "must be a path prefix like / or /api/auth")
    .optional(),
  resources: z.strictObject({ requests: resourceList.optional(), limits: resourceList.optional() }).optional(),
  /** Safety rules of `check` waived for this service's objects, each with its reason. */
  waivers: z.array(waiverSchema).default([]),
});

export const valuesSchema = z.strictObject({
  namespace: dnsLabel,
  /** Default container resources of the namespace, rendered as its LimitRange. */
  defaultResources: z.strictObject({ requests: resourceList.optional(), limits: resourceList.optional() }).optional(),
  ingress: z
    .strictObject({
      /** Public host name (AKS stages); local stages answer on any host. */
      host: z
        .string()
        .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, "must be a host name")
        .optional(),
      /** Application Gateway certificate name (AKS stages). */
      tlsCertificate: z.string().min(1).optional(),
      /** Host port the kind cluster maps to the ingress controller's port 80. */
      hostPort: port.optional(),
    })
    .prefault({}),
  secretStore: z
    .strictObject({
      keyVault: z
        .string()
        .regex(/^[a-zA-Z][a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$/, "must be an Azure Key Vault name")
        .optional(),
      tenantId: z.uuid("must be an Azure tenant id (a UUID)").optional(),
      mountPath: absolutePath.default("/mnt/secrets-store"),
    })
    .prefault({}),
  services: z.record(dnsLabel, serviceSchema),
});

export type Values = z.output<typeof valuesSchema>;
export type ServiceValues = z.output<typeof serviceSchema>;
