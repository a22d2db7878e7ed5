import { stringify } from "yaml";

/**
 * YAML for Kubernetes readers. kustomize, kubectl, Flux and the CSI driver read YAML with YAML 1.1
 * rules (`yes`, `0777`, `1_000`, `1:20`, `2022-02-03`, `.inf`, `~` are not strings there), this
 * tool with YAML 1.2 ones: `compat: "yaml-1.1"` quotes every string that either would read as
 * something else, so every reader gets back the same string.
 */
export function kubernetesYaml(value: unknown): string {
  return stringify(value, { lineWidth: 0, aliasDuplicateObjects: false, compat: "yaml-1.1" });
}
