/**
 * Where the committed cluster prerequisites in crds/ come from: pinned Go modules (the only
 * source reachable offline), each file reproducible with `jore4-flux crds build`.
 */
export interface ModulePin {
  module: string;
  version: string;
}

export const fluxControllers: readonly ModulePin[] = [
  { module: "github.com/fluxcd/source-controller", version: "v1.9.1" },
  { module: "github.com/fluxcd/kustomize-controller", version: "v1.9.4" },
];
export const secretStoreDriver: ModulePin = { module: "sigs.k8s.io/secrets-store-csi-driver", version: "v1.6.0" };
/** ingress-nginx publishes no semantic-version module tags; this is its default branch at 2024-07-08 (controller v1.11.0). */
export const ingressNginx: ModulePin = { module: "k8s.io/ingress-nginx", version: "v0.0.0-20240708192948-52c50467d67d" };

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
