import { get as httpGet, type IncomingHttpHeaders } from "node:http";
import { get as httpsGet } from "node:https";
import { z } from "zod";
import { ExitCode, Jore4FluxError } from "../errors.ts";
import { isDigest, isTag } from "../values/image-reference.ts";
import type { RegistryLocation } from "./location.ts";

/**
 * The registry edge: the Docker Registry HTTP API v2 / OCI distribution API over Node's http.
 * Anonymous or basic credentials, the bearer-token challenge flow Docker Hub uses, tag-list
 * pagination by the Link header, manifest lists and OCI indexes resolved to linux/amd64.
 *
 * A registry's answers are untrusted: every request is bounded in time, size and redirects, the
 * tag list in pages (a Link that loops stops it), and every answer is checked for the shape it
 * must have, so a broken or hostile registry is one line naming what it answered, exit 3.
 */
export interface ImageRegistry {
  /** Every tag name the repository lists, as listed: the caller decides which are valid tags. */
  tags(location: RegistryLocation): Promise<string[]>;
  /** The `created` time of the tag's image config (of its linux/amd64 image for an index), if it has one. */
  created(location: RegistryLocation, tag: string): Promise<string | undefined>;
}

export interface RegistryOptions {
  username?: string;
  password?: string;
  /** Where a note about a registry's answer goes (stderr). */
  progress?: (line: string) => void;
}

/** What one registry may cost a lookup. */
export const registryLimits = {
  /** Bytes of one answer: a page of 1,000 tags of 128 characters is ~135 kB; distribution refuses manifests over 4 MiB. */
  responseBytes: 4 * 1024 * 1024,
  /** Tag-list pages followed, 1,000 tags each when the registry honours `n`. */
  pages: 100,
  /** Tags listed in all: pages of many tiny names must not fill the memory. */
  tags: 100_000,
  /** Redirects one request follows (blobs are often served from a CDN). */
  redirects: 5,
  /** Milliseconds one request may take: connecting, and reading the whole answer. */
  requestMs: 30_000,
} as const;

const pageSize = 1000;

const manifestTypes = [
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.v2+json",
].join(", ");

/** A registry's answer that is not what the API promises; the message says what it was. */
class AnswerProblem extends Error {}

/** An HTTP status the request cannot go on from. */
class StatusProblem extends Error {
  constructor(
    readonly status: number,
    /** The registry's error code (`NAME_UNKNOWN`, …), when it gave a well-formed one. */
    readonly code: string | undefined,
  ) {
    super(`HTTP ${status}`);
  }
}

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** The request itself failed (refused, reset, a certificate error, the time limit). */
class ConnectionProblem extends Error {
  constructor(readonly error: Error & { code?: unknown }) {
    super(error.message);
  }
}

/** A header value fit for a message: a media type, or nothing (it is the registry's text). */
function mediaType(headers: IncomingHttpHeaders): string | undefined {
  const type = headers["content-type"]?.split(";")[0]?.trim();
  return type && /^[\w.+-]{1,64}\/[\w.+-]{1,64}$/.test(type) ? type : undefined;
}

/** The registry's error code from an error body (`{"errors":[{"code":"NAME_UNKNOWN",…}]}`), when well-formed. */
function errorCode(body: Buffer): string | undefined {
  try {
    const code = (JSON.parse(body.toString("utf8")) as { errors?: { code?: unknown }[] }).errors?.[0]?.code;
    return typeof code === "string" && /^[A-Z][A-Z_]{0,63}$/.test(code) ? code : undefined;
  } catch {
    return undefined;
  }
}

const tooLarge = () => new AnswerProblem(`the answer is larger than ${registryLimits.responseBytes / 1024 / 1024} MiB`);

/**
 * One GET and its whole answer, read up to the size limit within the time limit. Node's http
 * rather than fetch: fetch refuses the ports of its "bad ports" list, where a registry may listen.
 */
function getOnce(url: URL, headers: Record<string, string>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const failed = (error: Error) => reject(error instanceof AnswerProblem ? error : new ConnectionProblem(error));
    const request = (url.protocol === "https:" ? httpsGet : httpGet)(
      url,
      { headers, signal: AbortSignal.timeout(registryLimits.requestMs) },
      (response) => {
        if (Number(response.headers["content-length"]) > registryLimits.responseBytes)
          return request.destroy(tooLarge());
        const chunks: Buffer[] = [];
        let size = 0;
        response.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > registryLimits.responseBytes) request.destroy(tooLarge());
          else chunks.push(chunk);
        });
        response.on("error", failed);
        response.on("end", () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }),
        );
      },
    );
    request.on("error", failed);
  });
}

const redirectStatuses = new Set([301, 302, 303, 307, 308]);

/**
 * One GET, following at most a few redirects: never from HTTPS down to HTTP, and the credentials
 * are dropped when a redirect leaves the origin (a blob's CDN must not see the registry's token).
 */
async function get(url: URL, accept: string, authorization: string | undefined): Promise<Answer> {
  let current = url;
  let credentials = authorization;
  for (let redirects = 0; ; redirects++) {
    const answer = await getOnce(current, { accept, ...(credentials ? { authorization: credentials } : {}) });
    const location = answer.headers.location;
    if (!redirectStatuses.has(answer.status) || location === undefined) return answer;
    if (redirects === registryLimits.redirects)
      throw new AnswerProblem(`more than ${registryLimits.redirects} redirects`);
    let next: URL;
    try {
      next = new URL(location, current);
    } catch {
      throw new AnswerProblem("a redirect to something that is not a URL");
    }
    if (next.protocol !== "https:" && !(next.protocol === "http:" && current.protocol === "http:"))
      throw new AnswerProblem(`a redirect from ${current.protocol} to ${next.protocol.slice(0, 16)}`);
    if (next.origin !== current.origin) credentials = undefined;
    current = next;
  }
}

/** `Bearer realm="…",service="…",scope="…"` → its scheme and parameters. */
export function parseChallenge(header: string): { scheme: string; parameters: Record<string, string> } {
  const [, scheme = "", rest = ""] = /^\s*([A-Za-z]+)\s*(.*)$/s.exec(header) ?? [];
  const parameters: Record<string, string> = {};
  for (const match of rest.matchAll(/([A-Za-z_]+)=(?:"([^"]*)"|([^,\s]*))/g))
    parameters[match[1]!.toLowerCase()] = match[2] ?? match[3] ?? "";
  return { scheme: scheme.toLowerCase(), parameters };
}

/**
 * The query of the next tag-list page from a `Link: <…>; rel="next"` header, or undefined on the
 * last page. Only the query is taken, on the same endpoint: a Link cannot send the client elsewhere.
 */
export function nextPageQuery(link: string | undefined, endpoint: URL): string | undefined {
  if (!link) return undefined;
  for (const entry of link.split(",")) {
    const match = /^\s*<([^>]*)>\s*;(.*)$/s.exec(entry);
    if (!match || !/(?:^|;)\s*rel\s*=\s*"?next"?\s*(?:;|$)/i.test(match[2]!)) continue;
    try {
      return new URL(match[1]!, endpoint).search || undefined;
    } catch {
      throw new AnswerProblem('its Link rel="next" is not a URL');
    }
  }
  return undefined;
}

function json(answer: Answer): unknown {
  try {
    return JSON.parse(answer.body.toString("utf8"));
  } catch {
    const type = mediaType(answer.headers);
    throw new AnswerProblem(`the answer is not JSON${type ? ` (${type})` : ""}`);
  }
}

/** Checks a decoded answer against a schema; the problem names the first place it differs. */
function shaped<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const where = issue.path.length > 0 ? ` at ${issue.path.join(".")}` : "";
  throw new AnswerProblem(`the answer is not ${what} (${issue.code}${where})`);
}

const digest = z.string().refine(isDigest, "not a digest");
const tagPage = z.object({ tags: z.array(z.string()).nullish() });
const platform = z.object({ os: z.string(), architecture: z.string(), variant: z.string().optional() });
const imageIndex = z.object({ manifests: z.array(z.object({ digest, platform: platform.optional() })) });
const imageManifest = z.object({ config: z.object({ digest }) });
const imageConfig = z.object({ created: z.unknown().optional() });
const token = z.union([z.object({ token: z.string().min(1) }), z.object({ access_token: z.string().min(1) })]);

/**
 * The linux/amd64 image of an index; attestation entries (`unknown/unknown`) are not images. An
 * index of one image is that image, whatever its platform (as Docker pulls it).
 */
export function amd64Image(manifests: readonly z.infer<typeof imageIndex>["manifests"][number][]): string | undefined {
  const images = manifests.filter(
    (entry) => !(entry.platform?.os === "unknown" && entry.platform.architecture === "unknown"),
  );
  if (images.length === 1) return images[0]!.digest;
  return images.find(
    (entry) =>
      entry.platform?.os === "linux" && entry.platform.architecture === "amd64" && entry.platform.variant === undefined,
  )?.digest;
}

const connectCodes = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ECONNRESET", "EHOSTUNREACH", "ENETUNREACH"]);

/** Why a request failed, in one line of our words; undefined for an error that is not the registry's doing (a bug). */
function reason(error: unknown): string | undefined {
  if (error instanceof AnswerProblem) return error.message;
  if (error instanceof StatusProblem) {
    if (error.status === 401 || error.status === 403) return `authentication failed (HTTP ${error.status})`;
    if (error.status === 404) return "not found (HTTP 404)";
    if (error.status === 429) return "too many requests (HTTP 429): the registry's rate limit";
    return `HTTP ${error.status}${error.code ? ` ${error.code}` : ""}`;
  }
  if (error instanceof ConnectionProblem) {
    const { name, code } = error.error;
    // The only abort is the time limit's (AbortSignal.timeout).
    if (name === "AbortError" || name === "TimeoutError")
      return `no answer within ${registryLimits.requestMs / 1000} s`;
    const known = typeof code === "string" && /^[A-Z0-9_]{1,64}$/.test(code) ? code : undefined;
    return connectCodes.has(known ?? "")
      ? `cannot connect (${known})`
      : `the connection failed${known ? ` (${known})` : ""}`;
  }
  return undefined;
}

function failure(location: RegistryLocation, what: string, error: unknown): unknown {
  const why = reason(error);
  if (why === undefined) return error;
  return new Jore4FluxError(
    `registry ${location.protocol}//${location.host}: ${what} of ${location.repository}: ${why}`,
    { exitCode: ExitCode.failed },
  );
}

export function imageRegistry(options: RegistryOptions = {}): ImageRegistry {
  const { username, password } = options;
  const basic = username && password ? `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}` : undefined;
  /** The Authorization each repository was granted (its bearer token), for the rest of this lookup. */
  const granted = new Map<string, string>();

  /** The Authorization a 401's challenge asks for: a bearer token from its realm, or the basic credentials. */
  async function authorize(location: RegistryLocation, challenge: string | undefined): Promise<string | undefined> {
    const { scheme, parameters } = parseChallenge(challenge ?? "");
    if (scheme === "basic") return basic;
    if (scheme !== "bearer" || !parameters.realm) return undefined;
    let realm: URL;
    try {
      realm = new URL(parameters.realm);
    } catch {
      throw new AnswerProblem("its bearer realm is not a URL");
    }
    if (realm.protocol !== "https:" && !(realm.protocol === "http:" && location.protocol === "http:"))
      throw new AnswerProblem(`its bearer realm is not HTTPS`);
    if (parameters.service) realm.searchParams.set("service", parameters.service);
    realm.searchParams.set("scope", parameters.scope || `repository:${location.repository}:pull`);
    const answer = await get(realm, "application/json", basic);
    if (answer.status !== 200) throw new StatusProblem(answer.status === 403 ? 403 : 401, errorCode(answer.body));
    const given = shaped(token, json(answer), "a token");
    return `Bearer ${"token" in given ? given.token : given.access_token}`;
  }

  /** One GET of the registry's API, authorized as its challenge asks; anything but 200 is a StatusProblem. */
  async function request(location: RegistryLocation, path: string, accept: string): Promise<Answer> {
    const url = new URL(`${location.protocol}//${location.host}/v2/${location.repository}${path}`);
    const key = `${location.host}/${location.repository}`;
    let answer = await get(url, accept, granted.get(key));
    if (answer.status === 401) {
      // Several challenges: the first, the one the registry prefers.
      const challenge = [answer.headers["www-authenticate"]].flat()[0];
      const authorization = await authorize(location, challenge);
      if (authorization !== undefined) {
        granted.set(key, authorization);
        answer = await get(url, accept, authorization);
      }
    }
    if (answer.status !== 200) throw new StatusProblem(answer.status, errorCode(answer.body));
    return answer;
  }

  return {
    async tags(location) {
      try {
        const endpoint = new URL(`${location.protocol}//${location.host}/v2/${location.repository}/tags/list`);
        const tags: string[] = [];
        const read = new Set<string>();
        for (let query: string | undefined = `?n=${pageSize}`; query !== undefined;) {
          if (read.size === registryLimits.pages)
            throw new AnswerProblem(`its tag list goes on for more than ${registryLimits.pages} pages`);
          read.add(query);
          const answer = await request(location, `/tags/list${query}`, "application/json");
          const page = shaped(tagPage, json(answer), "a tag list").tags ?? [];
          if (tags.length + page.length > registryLimits.tags)
            throw new AnswerProblem(`it lists more than ${registryLimits.tags.toLocaleString("en")} tags`);
          // One at a time: spreading a page of a million names into push() overflows the stack.
          for (const tag of page) tags.push(tag);
          query = nextPageQuery([answer.headers.link ?? []].flat().join(", ") || undefined, endpoint);
          if (query !== undefined && read.has(query)) {
            options.progress?.(
              `registry ${location.protocol}//${location.host}: the tag list of ${location.repository} links back to a page already read; stopped there`,
            );
            break;
          }
        }
        return tags;
      } catch (error) {
        throw failure(location, "listing the tags", error);
      }
    },
    async created(location, tag) {
      // The caller reads valid tags only; a tag such as `..` would change the request's path.
      if (!isTag(tag)) throw new Error(`not a tag: ${JSON.stringify(tag)}`);
      try {
        let manifest = json(await request(location, `/manifests/${tag}`, manifestTypes));
        if (typeof manifest === "object" && manifest !== null && "manifests" in manifest) {
          const image = amd64Image(shaped(imageIndex, manifest, "an image index").manifests);
          if (image === undefined) throw new AnswerProblem("its index has no linux/amd64 image");
          manifest = json(await request(location, `/manifests/${image}`, manifestTypes));
        }
        const { config } = shaped(imageManifest, manifest, "an image manifest");
        const blob = await request(location, `/blobs/${config.digest}`, "application/json");
        const { created } = shaped(imageConfig, json(blob), "an image config");
        return typeof created === "string" ? created : undefined;
      } catch (error) {
        throw failure(location, `reading the image ${tag}`, error);
      }
    },
  };
}
