import { Ingress } from "kubernetes-models/networking.k8s.io/v1";
import type { IIoK8sApiNetworkingV1HTTPIngressPath as IngressPath } from "kubernetes-models/networking.k8s.io/v1";
import type { Platform } from "../config/project.ts";
import type { Values } from "../values/schema.ts";
import { plainObject, type KubeObject } from "../kube/object.ts";
import { ingressName, objectName } from "./names.ts";

interface Route {
  prefix: string;
  service: string;
  port: number;
}

/**
 * How each ingress controller expresses "this prefix goes to that service, with the prefix cut":
 * AGIC matches `prefix/*` and rewrites the backend path prefix to `/`; ingress-nginx matches a
 * regex (ImplementationSpecific, as current releases require for regex paths) and rewrites to
 * its second capture group.
 */
const variants: Record<Platform, { className: string; path(prefix: string): Pick<IngressPath, "path" | "pathType"> }> =
  {
    aks: {
      className: "azure-application-gateway",
      path: (prefix) =>
        prefix === "/"
          ? { path: "/", pathType: "Prefix" }
          : { path: `${prefix}/*`, pathType: "ImplementationSpecific" },
    },
    kind: {
      className: "nginx",
      path: (prefix) => ({
        path: prefix === "/" ? "/()(.*)" : `${prefix}(/|$)(.*)`,
        pathType: "ImplementationSpecific",
      }),
    },
  };

function annotations(platform: Platform, values: Values): Record<string, string> {
  if (platform === "kind")
    return { "nginx.ingress.kubernetes.io/use-regex": "true", "nginx.ingress.kubernetes.io/rewrite-target": "/$2" };
  return {
    "appgw.ingress.kubernetes.io/ssl-redirect": "true",
    "appgw.ingress.kubernetes.io/appgw-ssl-certificate": values.ingress.tlsCertificate ?? "",
    "appgw.ingress.kubernetes.io/backend-path-prefix": "/",
  };
}

/** One Ingress routing every service that has an ingress path; longest prefixes first. */
export function ingressObjects(values: Values, platform: Platform): KubeObject[] {
  const routes: Route[] = Object.entries(values.services)
    .filter(([, service]) => service.enabled && service.ingressPath !== undefined)
    .map(([name, service]) => ({
      prefix: service.ingressPath!,
      service: objectName(name),
      port: service.containerPort,
    }))
    .sort((a, b) => b.prefix.length - a.prefix.length || (a.prefix < b.prefix ? -1 : 1));
  if (routes.length === 0) return [];
  const variant = variants[platform];
  const paths = routes.map((route) => ({
    ...variant.path(route.prefix),
    backend: { service: { name: route.service, port: { number: route.port } } },
  }));
  return [
    plainObject(
      new Ingress({
        metadata: { name: ingressName, namespace: values.namespace, annotations: annotations(platform, values) },
        spec: {
          ingressClassName: variant.className,
          rules: [
            { ...(platform === "aks" && values.ingress.host ? { host: values.ingress.host } : {}), http: { paths } },
          ],
        },
      }),
    ),
  ];
}
