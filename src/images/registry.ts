import { getImageConfig, getManifest, getTags } from "@snyk/docker-registry-v2-client";
import { ExitCode, Jore4FluxError } from "../errors.ts";
import type { RegistryLocation } from "./location.ts";

/**
 * The registry edge: the Docker Registry HTTP API v2 / OCI distribution API, through Snyk's
 * client (anonymous or basic credentials, the bearer-token challenge flow Docker Hub uses,
 * tag-list pagination by the Link header, manifest lists and OCI indexes resolved to linux/amd64).
 */
export interface ImageRegistry {
  /** Every tag of the repository. */
  tags(location: RegistryLocation): Promise<string[]>;
  /** The `created` time of the tag's image config (of its linux/amd64 image for an index), if it has one. */
  created(location: RegistryLocation, tag: string): Promise<string | undefined>;
}

export interface RegistryCredentials {
  username?: string;
  password?: string;
}

const manifestTypes = [
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.v2+json",
].join(", ");

/** Every request is bounded: connecting, and waiting for the response. */
const timeouts = { open_timeout: 10_000, response_timeout: 30_000, read_timeout: 30_000 };

function reason(error: unknown): string {
  const { statusCode, code, message } = error as { statusCode?: number; code?: string; message?: string };
  if (statusCode === 401 || statusCode === 403) return `authentication failed (HTTP ${statusCode})`;
  if (statusCode === 404) return "not found (HTTP 404)";
  if (statusCode !== undefined) return `HTTP ${statusCode}: ${(message ?? "").split("\n")[0]}`;
  if (code === "ECONNREFUSED" || code === "ENOTFOUND" || code === "EAI_AGAIN" || code === "ECONNRESET")
    return `cannot connect (${code})`;
  return (message ?? String(error)).split("\n")[0]!;
}

function failure(location: RegistryLocation, what: string, error: unknown): Jore4FluxError {
  return new Jore4FluxError(
    `registry ${location.protocol}//${location.host}: ${what} of ${location.repository}: ${reason(error)}`,
    { exitCode: ExitCode.failed },
  );
}

export function imageRegistry(credentials: RegistryCredentials = {}): ImageRegistry {
  const { username, password } = credentials;
  const options = (location: RegistryLocation) => ({ protocol: location.protocol, ...timeouts });
  return {
    async tags(location) {
      try {
        return await getTags(location.host, location.repository, username, password, 1000, 1000, options(location));
      } catch (error) {
        throw failure(location, "listing the tags", error);
      }
    },
    async created(location, tag) {
      try {
        const manifest = await getManifest(location.host, location.repository, tag, username, password, {
          ...options(location),
          acceptManifest: manifestTypes,
        });
        const config = (await getImageConfig(
          location.host,
          location.repository,
          manifest.config.digest,
          username,
          password,
          options(location),
        )) as { created?: unknown };
        return typeof config.created === "string" ? config.created : undefined;
      } catch (error) {
        throw failure(location, `reading the image ${tag}`, error);
      }
    },
  };
}
