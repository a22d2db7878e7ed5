import type { KeyPath } from "../../io/yaml-source.ts";
import type { ManifestObject, RawFinding, StageRule } from "../finding.ts";
import { containers, podTemplates, valueAt } from "./workloads.ts";

/** The last word of a key that names a secret: DB_PASSWORD, clientSecret, API_KEY, GITHUB_TOKEN. */
const secretWords = new Set([
  "password",
  "passwd",
  "pwd",
  "secret",
  "token",
  "key",
  "apikey",
  "credentials",
  "credential",
  "passphrase",
]);

export function isSecretLookingKey(key: string): boolean {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  return words.length > 0 && secretWords.has(words[words.length - 1]!);
}

const secretValuePatterns: { what: string; pattern: RegExp }[] = [
  { what: "a private key", pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----/ },
  { what: "a JSON web token", pattern: /^eyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}$/ },
  { what: "a URL with a password", pattern: /^[a-z][a-z0-9+.-]*:\/\/[^/:@\s]+:[^/@\s]+@/i },
  { what: "an AWS access key", pattern: /\bAKIA[0-9A-Z]{16}\b/ },
  { what: "a GitHub token", pattern: /\bgh[pousr]_[A-Za-z0-9]{36}\b/ },
  { what: "an Azure storage key", pattern: /AccountKey=[A-Za-z0-9+/=]{20,}/ },
];

/** Why `value` under `key` looks like a plaintext secret, or undefined. */
export function plaintextSecretReason(key: string, value: unknown): string | undefined {
  if (typeof value !== "string" && typeof value !== "number") return undefined;
  const text = String(value).trim();
  const byValue = secretValuePatterns.find(({ pattern }) => pattern.test(text));
  if (byValue) return `value of ${key} looks like ${byValue.what}`;
  // A path (e.g. where mounted secrets are read from) or an empty value names no secret.
  if (isSecretLookingKey(key) && text !== "" && !text.startsWith("/"))
    return `${key} looks like a secret and has a plaintext value`;
  return undefined;
}

function plainValues(
  objects: readonly ManifestObject[],
): { item: ManifestObject; path: KeyPath; key: string; value: unknown }[] {
  const found: { item: ManifestObject; path: KeyPath; key: string; value: unknown }[] = [];
  for (const item of objects.filter((object) => object.object.kind === "ConfigMap")) {
    for (const [key, value] of Object.entries((valueAt(item.object, ["data"]) as Record<string, unknown>) ?? {}))
      found.push({ item, path: ["data", key], key, value });
  }
  for (const template of podTemplates(objects)) {
    for (const { container, path } of containers(template)) {
      (container.env ?? []).forEach((variable, index) =>
        found.push({
          item: template.item,
          path: [...path, "env", index, "value"],
          key: variable.name ?? "",
          value: variable.value,
        }),
      );
    }
  }
  return found;
}

export const plaintextSecrets: StageRule = {
  id: "no-plaintext-secrets",
  category: "safety",
  severity: "error",
  summary: "AKS stages hold no plaintext secrets: no secret-looking env keys or values, no Secret objects with data",
  hint: "put the value in the stage's Key Vault and list it under services.<name>.secrets (mounted as a file)",
  run(stage) {
    if (stage.stage.platform !== "aks") return [];
    const findings: RawFinding[] = plainValues(stage.objects).flatMap(({ item, path, key, value }) => {
      const reason = plaintextSecretReason(key, value);
      return reason ? [{ object: item, path, message: reason }] : [];
    });
    for (const item of stage.objects.filter((object) => object.object.kind === "Secret")) {
      for (const key of ["data", "stringData"]) {
        const entries = Object.keys((valueAt(item.object, [key]) as Record<string, unknown>) ?? {});
        if (entries.length > 0)
          findings.push({
            object: item,
            path: [key],
            message: `Secret with plaintext ${key} (${entries.join(", ")}) in git on AKS stage ${stage.stage.name}`,
          });
      }
    }
    return findings;
  },
};
