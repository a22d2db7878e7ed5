import { ExitCode, Jore4FluxError } from "../errors.ts";

/**
 * Container image references, after the grammar of the distribution project's `reference`
 * package (the one Docker and containerd parse with): [domain/]path[:tag][@digest].
 */
const domainComponent = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
/** A host name or a bracketed IPv6 address (`[::1]`, as Docker accepts), with an optional port. */
const domain = `(?:${domainComponent}(?:\\.${domainComponent})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?`;
const pathComponent = "[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*";
const name = `(?:${domain}/)?${pathComponent}(?:/${pathComponent})*`;
const tag = "[\\w][\\w.-]{0,127}";
const digest = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
const referencePattern = new RegExp(`^(${name})(?::(${tag}))?(?:@(${digest}))?$`);
const tagPattern = new RegExp(`^${tag}$`);
const digestPattern = new RegExp(`^${digest}$`);

/** A tag as the reference grammar allows one (`main--1a2b`; no space, newline, slash or leading dot). */
export const isTag = (text: string): boolean => tagPattern.test(text);
/** A content digest (`sha256:` and at least 32 hex digits). */
export const isDigest = (text: string): boolean => digestPattern.test(text);

export interface ImageReference {
  name: string;
  tag: string | undefined;
  digest: string | undefined;
}

const maxNameLength = 255;

export function parseImageReference(reference: string): ImageReference | undefined {
  const match = referencePattern.exec(reference);
  if (!match || match[1] === undefined || match[1].length > maxNameLength) return undefined;
  return { name: match[1], tag: match[2], digest: match[3] };
}

/**
 * The repository path of a reference, without registry, tag and digest (`ghcr.io/a/b:1` → `a/b`).
 * As Docker splits a name, the first component is a registry only when it has a dot or a port or
 * is localhost; `HslDevCom/ui` is the Docker Hub repository `HslDevCom/ui`, which must be lower case.
 */
export function repositoryPath(reference: string): string {
  const named = reference.split("@")[0]!;
  const name = named.lastIndexOf(":") > named.lastIndexOf("/") ? named.slice(0, named.lastIndexOf(":")) : named;
  const parts = name.split("/");
  if (parts.length > 1 && (/[.:]/.test(parts[0]!) || parts[0] === "localhost")) parts.shift();
  return parts.join("/");
}

export function isImageReference(reference: string): boolean {
  return parseImageReference(reference) !== undefined;
}

/** The name of an image reference, without tag and digest (also of one that does not parse: up to its tag). */
export function imageName(reference: string): string {
  const parsed = parseImageReference(reference);
  if (parsed) return parsed.name;
  const withoutDigest = reference.split("@")[0]!;
  const colon = withoutDigest.lastIndexOf(":");
  return colon > withoutDigest.lastIndexOf("/") ? withoutDigest.slice(0, colon) : withoutDigest;
}

/** An image override: every container image named `name` (any tag or digest) becomes `image`; `name` may also be a service of the values. */
export interface ImageOverride {
  name: string;
  image: string;
}

export function parseImageOverride(text: string): ImageOverride {
  const separator = text.indexOf("=");
  const [name, image] = separator > 0 ? [text.slice(0, separator), text.slice(separator + 1)] : [imageName(text), text];
  if (!image || /\s/.test(image))
    throw new Jore4FluxError(
      `--set-image ${text}: expected SERVICE=IMAGE, NAME=IMAGE or IMAGE (e.g. ui=hsldevcom/jore4-ui:latest)`,
      { exitCode: ExitCode.invalid },
    );
  return { name, image };
}
