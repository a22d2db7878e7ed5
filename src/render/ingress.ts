import type { IIngress } from "kubernetes-models/networking.k8s.io/v1";
import type { IIoK8sApiNetworkingV1HTTPIngressPath as IngressPath } from "kubernetes-models/networking.k8s.io/v1";
import type { Platform } from "../config/project.ts";
import type { Values } from "../values/schema.ts";
import { plainObject, type KubeObject } from "../kube/object.ts";
import { ingressName, objectName } from "./names.ts";

export interface Route {
  /** The public path prefix, e.g. `/api/auth` (or `/`). */
  prefix: string;
  /** The Service (object name) it goes to, and the port. */
  service: string;
  port: number;
}

/** The regex ingress-nginx (and the compose bundle's nginx) matches a prefix with; the rest of the path is group 2. */
export function nginxPathPattern(prefix: string): string {
  return prefix === "/" ? "/()(.*)" : `${prefix}(/|$)(.*)`;
}

/** What a matched path is rewritten to before it reaches the service: the prefix is cut. */
export const nginxRewriteTarget = "/$2";

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
      path: (prefix) => ({ path: nginxPathPattern(prefix), pathType: "ImplementationSpecific" }),
    },
  };

function annotations(platform: Platform, values: Values): Record<string, string> {
  if (platform === "kind")
    return {
      "nginx.ingress.kubernetes.io/use-regex": "true",
      "nginx.ingress.kubernetes.io/rewrite-target": nginxRewriteTarget,
    };
  return {
    "appgw.ingress.kubernetes.io/ssl-redirect": "true",
    "appgw.ingress.kubernetes.io/appgw-ssl-certificate": values.ingress.tlsCertificate ?? "",
    "appgw.ingress.kubernetes.io/backend-path-prefix": "/",
  };
}

/** Every enabled service that has an ingress path, longest prefixes first (the order routes are matched in). */
export function ingressRoutes(values: Values): Route[] {
  return Object.entries(values.services)
    .filter(([, service]) => service.enabled && service.ingressPath !== undefined)
    .map(([name, service]) => ({
      prefix: service.ingressPath!,
      service: objectName(name),
      port: service.containerPort,
    }))
    .sort((a, b) => b.prefix.length - a.prefix.length || (a.prefix < b.prefix ? -1 : 1));
}

/** One Ingress routing every service that has an ingress path; longest prefixes first. */
export function ingressObjects(values: Values, platform: Platform): KubeObject[] {
  const routes = ingressRoutes(values);
  if (routes.length === 0) return [];
  const variant = variants[platform];
  const paths = routes.map((route) => ({
    ...variant.path(route.prefix),
    backend: { service: { name: route.service, port: { number: route.port } } },
  }));
  return [
    plainObject<IIngress>({
      apiVersion: "networking.k8s.io/v1",
      kind: "Ingress",
      metadata: { name: ingressName, namespace: values.namespace, annotations: annotations(platform, values) },
      spec: {
        ingressClassName: variant.className,
        rules: [
          { ...(platform === "aks" && values.ingress.host ? { host: values.ingress.host } : {}), http: { paths } },
        ],
      },
    }),
  ];
}
