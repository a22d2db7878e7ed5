import { stringify } from "yaml";

/** A synthetic configuration of `stageCount` AKS stages × `serviceCount` services, as in-memory files. */
export function largeConfiguration(
  stageCount: number,
  serviceCount: number,
  shippedConfig: string,
): Record<string, string> {
  const stageNames = Array.from({ length: stageCount }, (_, index) => `stage-${index}`);
  const config = shippedConfig.replace(
    /\nstages:\n[\s\S]*?\n\n/,
    `\nstages:\n${stageNames.map((name) => `  - name: ${name}\n    platform: aks\n`).join("")}\n`,
  );
  const services = Object.fromEntries(
    Array.from({ length: serviceCount }, (_, index) => [
      `service-${index}`,
      {
        image: `hsldevcom/service-${index}:v1.${index}`,
        containerPort: 8080,
        localPort: 10000 + index,
        probe: { httpPath: "/health" },
        ingressPath: `/api/service-${index}`,
        env: { SERVICE_INDEX: String(index), LOG_LEVEL: "info", SECRET_STORE_BASE_PATH: "/mnt/secrets-store" },
        secrets: { "db-password": { keyVault: `service-${index}-db-password` } },
      },
    ]),
  );
  const files: Record<string, string> = {
    "jore4-flux.yaml": config,
    "values/common.yaml": stringify({
      namespace: "hsl-jore4",
      secretStore: { tenantId: "572a41dd-c389-4f0a-b256-aefd1bf149d7" },
      services,
    }),
  };
  for (const name of stageNames) {
    files[`values/${name}.yaml`] = stringify({
      ingress: { host: `${name}.example.org`, tlsCertificate: `${name}-cert` },
      secretStore: { keyVault: `${name}-vault` },
    });
  }
  return files;
}

/** The shipped shared values with `keyCount` more env keys on one service: a values file as big as a migrated one. */
export function manyKeyValues(keyCount: number, common: string): string {
  const env = Array.from({ length: keyCount }, (_, index) => `      KEY_${index}: value-${index}\n`).join("");
  return common.replace("    env:\n", `    env:\n${env}`);
}
