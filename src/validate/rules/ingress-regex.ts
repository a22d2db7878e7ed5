import type { RawFinding, StageRule } from "../finding.ts";
import { objectsOfKind, valueAt } from "./workloads.ts";

const regexCharacters = /[\^$()[\]{}|+?*\\]/;
const nginx = "nginx.ingress.kubernetes.io";

/** Annotations current ingress-nginx rejects by default (snippets are off since v1.9). */
const rejectedAnnotations = [
  `${nginx}/configuration-snippet`,
  `${nginx}/server-snippet`,
  `${nginx}/auth-snippet`,
  `${nginx}/stream-snippet`,
];

function ingressClass(annotations: Record<string, string>, spec: { ingressClassName?: string }): string | undefined {
  return spec.ingressClassName ?? annotations["kubernetes.io/ingress.class"];
}

function captureGroups(path: string): number {
  return (path.match(/\((?!\?)/g) ?? []).length;
}

export const ingressRegex: StageRule = {
  id: "ingress-regex",
  category: "safety",
  severity: "error",
  summary: "regex ingress paths use pathType ImplementationSpecific and the annotations current controllers accept",
  hint: 'ingress-nginx: pathType ImplementationSpecific with nginx.ingress.kubernetes.io/use-regex: "true"; AGIC: only a trailing /* with ImplementationSpecific',
  run(stage) {
    return objectsOfKind(stage.objects, "Ingress").flatMap((item) => {
      const annotations = (item.object.metadata.annotations as Record<string, string> | undefined) ?? {};
      const spec = (valueAt(item.object, ["spec"]) as { ingressClassName?: string }) ?? {};
      const className = ingressClass(annotations, spec);
      const findings: RawFinding[] = [];
      if (annotations["kubernetes.io/ingress.class"] !== undefined) {
        findings.push({
          object: item,
          path: ["metadata", "annotations", "kubernetes.io/ingress.class"],
          message: "the kubernetes.io/ingress.class annotation is deprecated: use spec.ingressClassName",
        });
      }
      for (const annotation of rejectedAnnotations.filter((name) => annotations[name] !== undefined)) {
        findings.push({
          object: item,
          path: ["metadata", "annotations", annotation],
          message: `${annotation} is rejected by current ingress-nginx (snippet annotations are disabled by default)`,
        });
      }
      const rewrite = annotations[`${nginx}/rewrite-target`];
      const rules =
        (valueAt(item.object, ["spec", "rules"]) as
          { http?: { paths?: { path?: string; pathType?: string }[] } }[] | undefined) ?? [];
      rules.forEach((rule, ruleIndex) =>
        (rule.http?.paths ?? []).forEach((entry, pathIndex) => {
          const path = entry.path ?? "";
          const at = ["spec", "rules", ruleIndex, "http", "paths", pathIndex];
          if (className === "azure-application-gateway") {
            const wildcardOnly = !regexCharacters.test(path.replace(/\/\*$/, ""));
            if (!wildcardOnly)
              findings.push({
                object: item,
                path: [...at, "path"],
                message: `AGIC supports no regex paths, only a trailing /*: ${path}`,
              });
            else if (path.endsWith("/*") && entry.pathType !== "ImplementationSpecific")
              findings.push({
                object: item,
                path: [...at, "pathType"],
                message: `wildcard path ${path} needs pathType ImplementationSpecific (is ${entry.pathType})`,
              });
            return;
          }
          if (!regexCharacters.test(path)) return;
          if (entry.pathType !== "ImplementationSpecific")
            findings.push({
              object: item,
              path: [...at, "pathType"],
              message: `regex path ${path} needs pathType ImplementationSpecific (ingress-nginx rejects regex in ${entry.pathType})`,
            });
          if (className === "nginx" && annotations[`${nginx}/use-regex`] !== "true")
            findings.push({
              object: item,
              path: ["metadata", "annotations"],
              message: `regex path ${path} needs the annotation ${nginx}/use-regex: "true"`,
            });
          const wanted = Math.max(0, ...[...(rewrite ?? "").matchAll(/\$([0-9])/g)].map((match) => Number(match[1])));
          if (className === "nginx" && wanted > captureGroups(path))
            findings.push({
              object: item,
              path: [...at, "path"],
              message: `rewrite-target ${rewrite} uses group $${wanted} but ${path} has ${captureGroups(path)} capture groups`,
            });
        }),
      );
      return findings;
    });
  },
};
