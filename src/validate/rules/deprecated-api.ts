import type { StageRule } from "../finding.ts";
import type { SchemaIndex } from "../schema-index.ts";

/** API versions deprecated or removed upstream, with their current replacement. */
export const replacedApiVersions: Record<string, string> = {
  "extensions/v1beta1": "apps/v1 (workloads) or networking.k8s.io/v1 (Ingress, NetworkPolicy)",
  "apps/v1beta1": "apps/v1",
  "apps/v1beta2": "apps/v1",
  "networking.k8s.io/v1beta1": "networking.k8s.io/v1",
  "batch/v1beta1": "batch/v1",
  "policy/v1beta1": "policy/v1 (PodSecurityPolicy is gone: use Pod Security Admission)",
  "autoscaling/v2beta1": "autoscaling/v2",
  "autoscaling/v2beta2": "autoscaling/v2",
  "rbac.authorization.k8s.io/v1beta1": "rbac.authorization.k8s.io/v1",
  "apiextensions.k8s.io/v1beta1": "apiextensions.k8s.io/v1",
  "admissionregistration.k8s.io/v1beta1": "admissionregistration.k8s.io/v1",
  "storage.k8s.io/v1beta1": "storage.k8s.io/v1",
  "scheduling.k8s.io/v1beta1": "scheduling.k8s.io/v1",
  "discovery.k8s.io/v1beta1": "discovery.k8s.io/v1",
  "flowcontrol.apiserver.k8s.io/v1beta1": "flowcontrol.apiserver.k8s.io/v1",
  "flowcontrol.apiserver.k8s.io/v1beta2": "flowcontrol.apiserver.k8s.io/v1",
  "flowcontrol.apiserver.k8s.io/v1beta3": "flowcontrol.apiserver.k8s.io/v1",
  "source.toolkit.fluxcd.io/v1beta1": "source.toolkit.fluxcd.io/v1",
  "source.toolkit.fluxcd.io/v1beta2": "source.toolkit.fluxcd.io/v1",
  "kustomize.toolkit.fluxcd.io/v1beta1": "kustomize.toolkit.fluxcd.io/v1",
  "kustomize.toolkit.fluxcd.io/v1beta2": "kustomize.toolkit.fluxcd.io/v1",
  "helm.toolkit.fluxcd.io/v2beta1": "helm.toolkit.fluxcd.io/v2",
  "helm.toolkit.fluxcd.io/v2beta2": "helm.toolkit.fluxcd.io/v2",
  "secrets-store.csi.x-k8s.io/v1alpha1": "secrets-store.csi.x-k8s.io/v1",
};

export function deprecatedApi(schemas: SchemaIndex): StageRule {
  return {
    id: "deprecated-api",
    category: "safety",
    severity: "error",
    summary: "no deprecated or removed API version (upstream list, and versions the pinned CRDs mark deprecated)",
    hint: "move the object to the current apiVersion named in the message",
    run(stage) {
      return stage.objects.flatMap((item) => {
        const { apiVersion, kind } = item.object;
        const replacement = replacedApiVersions[apiVersion];
        if (replacement)
          return [
            {
              object: item,
              path: ["apiVersion"],
              message: `${apiVersion} ${kind} is deprecated or removed: use ${replacement}`,
            },
          ];
        if (schemas.get(apiVersion, kind)?.deprecated)
          return [
            {
              object: item,
              path: ["apiVersion"],
              message: `${apiVersion} ${kind} is deprecated by its CRD: use ${schemas
                .versionsOf(kind)
                .filter((version) => version !== apiVersion)
                .join(" or ")}`,
            },
          ];
        return [];
      });
    },
  };
}
