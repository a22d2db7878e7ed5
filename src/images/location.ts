import { parseImageReference } from "../values/image-reference.ts";

/** Where an image's tags and manifests are read: the registry's API host and the repository in it. */
export interface RegistryLocation {
  /** Host (and port) of the registry's HTTP API, e.g. `registry-1.docker.io` or `127.0.0.1:5000`. */
  host: string;
  /** Repository path in the registry, e.g. `hsldevcom/jore4-ui` or `library/nginx`. */
  repository: string;
  /** Loopback registries are spoken to over plain HTTP (as Docker does), every other one over HTTPS. */
  protocol: "http:" | "https:";
}

const dockerHub = { names: ["docker.io", "index.docker.io"], apiHost: "registry-1.docker.io" };

function isLoopback(host: string): boolean {
  const hostname = host.replace(/:[0-9]+$/, "").replace(/^\[(.*)\]$/, "$1");
  return hostname === "localhost" || hostname === "::1" || /^127\.[0-9]+\.[0-9]+\.[0-9]+$/.test(hostname);
}

/**
 * The registry and repository of an image reference, normalised as Docker does: a first path
 * component with a dot or a port (or `localhost`) names the registry, otherwise it is Docker Hub,
 * where a one-component name is an official image under `library/`.
 */
export function registryLocation(image: string): RegistryLocation | undefined {
  const reference = parseImageReference(image);
  if (!reference) return undefined;
  const [first, ...rest] = reference.name.split("/");
  const hasDomain = rest.length > 0 && (first!.includes(".") || first!.includes(":") || first === "localhost");
  const domain = hasDomain ? first! : dockerHub.names[0]!;
  const path = hasDomain ? rest : [first!, ...rest];
  const onHub = dockerHub.names.includes(domain);
  return {
    host: onHub ? dockerHub.apiHost : domain,
    repository: onHub && path.length === 1 ? `library/${path[0]}` : path.join("/"),
    protocol: isLoopback(domain) ? "http:" : "https:",
  };
}

/** The same image with another tag (any digest is dropped: it named the old tag's content). */
export function withTag(image: string, tag: string): string {
  const reference = parseImageReference(image);
  if (!reference) throw new Error(`not an image reference: ${image}`);
  return `${reference.name}:${tag}`;
}
