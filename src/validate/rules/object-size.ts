import type { RawFinding, StageRule } from "../finding.ts";
import { objectsOfKind } from "./workloads.ts";

/** Kubernetes refuses a ConfigMap or Secret whose data holds more than 1 MiB (validation's MaxSecretSize). */
export const maxDataBytes = 1024 * 1024;

const dataBytes = (data: unknown, base64: boolean): number =>
  typeof data === "object" && data !== null
    ? Object.entries(data).reduce(
        (sum, [key, value]) =>
          sum +
          Buffer.byteLength(key) +
          (base64 ? Buffer.from(String(value), "base64").length : Buffer.byteLength(String(value))),
        0,
      )
    : 0;

export const objectSize: StageRule = {
  id: "object-size",
  category: "schema",
  severity: "error",
  summary: "ConfigMaps and Secrets hold at most 1 MiB of data (the apiserver refuses more)",
  hint: "move large content out of env/secret values (a volume, an image, or a Key Vault secret per part)",
  run(stage) {
    const findings: RawFinding[] = [];
    for (const kind of ["ConfigMap", "Secret"]) {
      for (const item of objectsOfKind(stage.objects, kind)) {
        const object = item.object as Record<string, unknown>;
        const bytes =
          dataBytes(object.data, kind === "Secret") +
          dataBytes(object.stringData, false) +
          dataBytes(object.binaryData, true);
        if (bytes > maxDataBytes)
          findings.push({
            object: item,
            message: `${kind} data is ${bytes} bytes, over Kubernetes' limit of ${maxDataBytes} bytes (1 MiB)`,
          });
      }
    }
    return findings;
  },
};
