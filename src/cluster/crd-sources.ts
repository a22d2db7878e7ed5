import { secretsStoreCsiDriver, type ModulePin } from "../tools/go-modules.ts";

/**
 * Where the committed cluster prerequisites in crds/ come from: pinned Go modules (the only
 * source reachable offline), each file reproducible with `jore4-flux crds build`.
 */
export const secretStoreDriver: ModulePin = secretsStoreCsiDriver;
/** ingress-nginx publishes no semantic-version module tags; this is its default branch at 2024-07-08 (controller v1.11.0). */
export const ingressNginx: ModulePin = {
  module: "k8s.io/ingress-nginx",
  version: "v0.0.0-20240708192948-52c50467d67d",
};

export const crdsDir = "crds";
export const crdFiles = {
  flux: `${crdsDir}/flux.yaml`,
  secretStore: `${crdsDir}/secrets-store-csi-driver.yaml`,
  ingressNginx: `${crdsDir}/ingress-nginx-kind.yaml`,
} as const;

/** Names from the ingress-nginx kind manifest that `deploy crds` acts on. */
export const ingressNginxObjects = {
  namespace: "ingress-nginx",
  controller: "ingress-nginx-controller",
  admissionWebhook: "ingress-nginx-admission",
} as const;
