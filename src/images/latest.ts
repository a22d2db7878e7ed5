import { ExitCode, invalidInput, Jore4FluxError } from "../errors.ts";
import { isTag } from "../values/image-reference.ts";
import { registryLocation, withTag, type RegistryLocation } from "./location.ts";
import type { ImageRegistry } from "./registry.ts";

/** A service whose image follows the newest tag with a prefix (`services.<name>.tagPrefix`). */
export interface TrackedImage {
  service: string;
  image: string;
  tagPrefix: string;
}

export interface TagCandidate {
  tag: string;
  /** The image config's `created` time (RFC 3339). */
  created: string;
}

/** What `images latest` finds for one service. */
export interface LatestImage extends TrackedImage {
  latest: string;
  tag: string;
  created: string;
  /** The tags with the prefix that were compared. */
  candidates: number;
  changed: boolean;
}

/** The newest candidate by creation time; equal times are broken by the greater tag, so the choice is stable. */
export function newestTag(candidates: readonly TagCandidate[]): TagCandidate | undefined {
  return candidates.reduce<TagCandidate | undefined>((best, candidate) => {
    if (!best) return candidate;
    const order = Date.parse(candidate.created) - Date.parse(best.created);
    return order > 0 || (order === 0 && candidate.tag > best.tag) ? candidate : best;
  }, undefined);
}

export function latestImageOf(tracked: TrackedImage, newest: TagCandidate, candidates: number): LatestImage {
  const latest = withTag(tracked.image, newest.tag);
  return {
    ...tracked,
    latest,
    tag: newest.tag,
    created: newest.created,
    candidates,
    changed: latest !== tracked.image,
  };
}

/**
 * The tags a registry listed that can be images: valid tag names (a name with a space, a newline
 * or an escape is not one, and must never become an image in the values), each once.
 */
export function usableTags(listed: readonly string[]): { tags: string[]; invalid: number } {
  const valid = listed.filter(isTag);
  return { tags: [...new Set(valid)], invalid: listed.length - valid.length };
}

/**
 * Tags with the prefix whose creation times one lookup reads at most: each costs two or three
 * requests (Docker Hub counts manifest reads against its pull rate limit).
 */
export const maxCandidates = 500;

/** An image config's `created` time as the OCI image spec writes it; anything else is not a time (nor printed). */
const rfc3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:[Zz]|[+-]\d{2}:\d{2})$/;

/** Runs `work` over `items`, at most `limit` at a time, keeping the order of the results; the first failure stops the rest. */
async function mapLimited<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    for (let index = next++; index < items.length && !failed; index = next++) {
      try {
        results[index] = await work(items[index]!);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

function noTag(tracked: TrackedImage, location: RegistryLocation, why: string): Jore4FluxError {
  return new Jore4FluxError(
    `${tracked.service}: ${why} in ${location.protocol}//${location.host}/${location.repository} (services.${tracked.service}.tagPrefix)`,
    { exitCode: ExitCode.failed },
  );
}

/** Looks up the newest image with the service's tag prefix: every matching tag's creation time is read. */
export async function findLatestImage(
  registry: ImageRegistry,
  tracked: TrackedImage,
  progress: (line: string) => void,
): Promise<LatestImage> {
  const location = registryLocation(tracked.image);
  if (!location) throw new Jore4FluxError(`${tracked.service}: '${tracked.image}' is not an image reference`);
  const listed = usableTags(await registry.tags(location));
  if (listed.invalid > 0)
    progress(
      `${tracked.service}: skipped ${listed.invalid} of the tags listed in ${location.repository}: not valid tag names`,
    );
  const tags = listed.tags.filter((tag) => tag.startsWith(tracked.tagPrefix));
  if (tags.length === 0) throw noTag(tracked, location, `no tag starts with '${tracked.tagPrefix}'`);
  if (tags.length > maxCandidates)
    throw noTag(
      tracked,
      location,
      `${tags.length} tags start with '${tracked.tagPrefix}', more than the ${maxCandidates} whose images one lookup reads: name a longer prefix`,
    );
  progress(`${tracked.service}: ${tags.length} tags start with '${tracked.tagPrefix}' in ${location.repository}`);
  const created = await mapLimited(tags, 4, async (tag) => ({ tag, created: await registry.created(location, tag) }));
  const dated = created.filter(
    (candidate): candidate is TagCandidate =>
      candidate.created !== undefined &&
      rfc3339.test(candidate.created) &&
      !Number.isNaN(Date.parse(candidate.created)),
  );
  const newest = newestTag(dated);
  if (!newest)
    throw noTag(tracked, location, `no image with a creation time among the tags starting with '${tracked.tagPrefix}'`);
  return latestImageOf(tracked, newest, tags.length);
}

/**
 * The services `images` works on, from the shared values (already validated): the named ones,
 * each of which must have a tag prefix, or else every service that has one.
 */
export function trackedImages(
  valuesFile: string,
  services: Readonly<Record<string, { image?: unknown; tagPrefix?: unknown }>>,
  names: readonly string[],
): TrackedImage[] {
  const known = Object.keys(services);
  const unknown = names.filter((name) => !known.includes(name));
  if (unknown.length > 0)
    throw invalidInput(
      unknown.map((name) => ({
        path: `services.${name}`,
        message: `no service '${name}' in ${valuesFile}; services: ${known.join(", ")}`,
      })),
    );
  const untracked = names.filter((name) => typeof services[name]!.tagPrefix !== "string");
  if (untracked.length > 0)
    throw invalidInput(
      untracked.map((name) => ({
        path: `services.${name}.tagPrefix`,
        message: `${valuesFile} sets no tag prefix for '${name}', so its newest image cannot be looked up`,
      })),
    );
  return (names.length > 0 ? names : known)
    .filter((name) => typeof services[name]!.tagPrefix === "string" && typeof services[name]!.image === "string")
    .map((name) => ({
      service: name,
      image: services[name]!.image as string,
      tagPrefix: services[name]!.tagPrefix as string,
    }));
}
