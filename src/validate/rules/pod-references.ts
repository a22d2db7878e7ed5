import type { KeyPath } from "../../io/yaml-source.ts";
import type { RawFinding, StageRule } from "../finding.ts";
import { containers, objectLookup, podTemplates, type PodTemplate } from "./workloads.ts";

interface Reference {
  kind: "ConfigMap" | "Secret" | "SecretProviderClass";
  name: string | undefined;
  path: KeyPath;
}

function references(template: PodTemplate): Reference[] {
  const found: Reference[] = [];
  for (const { container, path } of containers(template)) {
    (container.envFrom ?? []).forEach((source, index) => {
      if (source.configMapRef)
        found.push({
          kind: "ConfigMap",
          name: source.configMapRef.name,
          path: [...path, "envFrom", index, "configMapRef", "name"],
        });
      if (source.secretRef)
        found.push({
          kind: "Secret",
          name: source.secretRef.name,
          path: [...path, "envFrom", index, "secretRef", "name"],
        });
    });
    (container.env ?? []).forEach((variable, index) => {
      const from = variable.valueFrom;
      if (from?.configMapKeyRef)
        found.push({
          kind: "ConfigMap",
          name: from.configMapKeyRef.name,
          path: [...path, "env", index, "valueFrom", "configMapKeyRef", "name"],
        });
      if (from?.secretKeyRef)
        found.push({
          kind: "Secret",
          name: from.secretKeyRef.name,
          path: [...path, "env", index, "valueFrom", "secretKeyRef", "name"],
        });
    });
  }
  (template.spec.volumes ?? []).forEach((volume, index) => {
    const at = [...template.specPath, "volumes", index];
    if (volume.configMap)
      found.push({ kind: "ConfigMap", name: volume.configMap.name, path: [...at, "configMap", "name"] });
    if (volume.secret)
      found.push({ kind: "Secret", name: volume.secret.secretName, path: [...at, "secret", "secretName"] });
    const providerClass = volume.csi?.volumeAttributes?.secretProviderClass;
    if (volume.csi?.driver === "secrets-store.csi.k8s.io")
      found.push({
        kind: "SecretProviderClass",
        name: providerClass,
        path: [...at, "csi", "volumeAttributes", "secretProviderClass"],
      });
  });
  (template.spec.imagePullSecrets ?? []).forEach((secret, index) =>
    found.push({ kind: "Secret", name: secret.name, path: [...template.specPath, "imagePullSecrets", index, "name"] }),
  );
  return found;
}

export const podReferences: StageRule = {
  id: "pod-references",
  category: "reference",
  severity: "error",
  summary: "every ConfigMap, Secret and SecretProviderClass a pod uses exists in the stage",
  hint: "create the object in the pod's namespace (values or manifests/), or fix the name",
  run(stage) {
    const find = objectLookup(stage.objects);
    return podTemplates(stage.objects).flatMap((template): RawFinding[] => {
      const namespace = template.item.object.metadata.namespace;
      return references(template)
        .filter((reference) => !find(reference.kind, namespace, reference.name))
        .map((reference) => ({
          object: template.item,
          path: reference.path,
          message: `${reference.kind} '${reference.name ?? ""}' does not exist in namespace ${namespace ?? "(none)"} of stage ${stage.stage.name}`,
        }));
    });
  },
};
