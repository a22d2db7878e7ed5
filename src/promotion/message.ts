import type { ImageChange } from "./images.ts";

/**
 * Commit messages written by promote, hotfix and rollback carry git trailers, so that `history`
 * (and `git log --format=%(trailers)`) can read them. `history` still checks them against the files.
 */
export const trailerKeys = {
  promotedFrom: "Promoted-From",
  promotedTo: "Promoted-To",
  sourceCommit: "Source-Commit",
  targetCommit: "Target-Commit",
  imageChanged: "Image-Changed",
  hotfix: "Hotfix",
  rollbackOf: "Rollback-Of",
} as const;

export type Trailers = readonly (readonly [key: string, value: string])[];

const noImage = "(none)";

export function imageChangeText(change: ImageChange): string {
  return `${change.service} ${change.from ?? noImage} -> ${change.to ?? noImage}`;
}

export function parseImageChange(text: string): ImageChange | undefined {
  const match = /^(\S+) (\S+) -> (\S+)$/.exec(text.trim());
  if (!match) return undefined;
  const image = (value: string) => (value === noImage ? undefined : value);
  return { service: match[1]!, from: image(match[2]!), to: image(match[3]!) };
}

function trailerBlock(trailers: Trailers): string {
  return trailers.map(([key, value]) => `${key}: ${value}`).join("\n");
}

function changesBlock(changes: readonly ImageChange[], stage: string): string {
  if (changes.length === 0) return `No image changes on ${stage}; this merge records that ${stage} was promoted.`;
  return [`Images that change on ${stage}:`, ...changes.map((change) => `  ${imageChangeText(change)}`)].join("\n");
}

export interface PromotionMessageInput {
  fromBranch: string;
  toStage: string;
  toBranch: string;
  sourceCommit: string;
  /** The target branch's commit before the promotion; undefined when the promotion creates it. */
  targetCommit: string | undefined;
  changes: readonly ImageChange[];
}

export function promotionMessage(input: PromotionMessageInput): string {
  const trailers: [string, string][] = [
    [trailerKeys.promotedFrom, input.fromBranch],
    [trailerKeys.promotedTo, input.toBranch],
    [trailerKeys.sourceCommit, input.sourceCommit],
  ];
  if (input.targetCommit) trailers.push([trailerKeys.targetCommit, input.targetCommit]);
  trailers.push(
    ...input.changes.map((change): [string, string] => [trailerKeys.imageChanged, imageChangeText(change)]),
  );
  return (
    [
      `Promote ${input.fromBranch} to ${input.toBranch}`,
      `Promotes ${input.fromBranch} at ${input.sourceCommit.slice(0, 12)} to stage ${input.toStage}.\n${changesBlock(input.changes, input.toStage)}`,
      trailerBlock(trailers),
    ].join("\n\n") + "\n"
  );
}

export function hotfixMessage(input: {
  name: string;
  branch: string;
  toBranch: string;
  toStage: string;
  sourceCommit: string;
  targetCommit: string;
  changes: readonly ImageChange[];
}): string {
  const trailers: [string, string][] = [
    [trailerKeys.hotfix, input.name],
    [trailerKeys.promotedFrom, input.branch],
    [trailerKeys.promotedTo, input.toBranch],
    [trailerKeys.sourceCommit, input.sourceCommit],
    [trailerKeys.targetCommit, input.targetCommit],
    ...input.changes.map((change): [string, string] => [trailerKeys.imageChanged, imageChangeText(change)]),
  ];
  return (
    [
      `Hotfix ${input.name} into ${input.toBranch}`,
      changesBlock(input.changes, input.toStage),
      trailerBlock(trailers),
    ].join("\n\n") + "\n"
  );
}

/** Adds a trailer to a message git wrote (e.g. `git revert`'s). */
export function withTrailer(message: string, key: string, value: string): string {
  return `${message.trimEnd()}\n\n${key}: ${value}\n`;
}

const trailerKey = /^[A-Za-z0-9-]+$/;

/** Parses the `Key: value` lines git prints for `%(trailers:only,unfold)`. */
export function parseTrailerLines(text: string): Trailers {
  const trailers: (readonly [string, string])[] = [];
  // Line by line in place, no intermediate arrays: history parses every commit's trailers.
  for (let start = 0; start < text.length;) {
    const newline = text.indexOf("\n", start);
    const end = newline < 0 ? text.length : newline;
    const colon = text.indexOf(":", start);
    if (colon > start && colon < end) {
      const key = text.slice(start, colon);
      if (trailerKey.test(key)) trailers.push([key, text.slice(colon + 1, end).trim()]);
    }
    start = end + 1;
  }
  return trailers;
}

/** Trailer keys compare case-insensitively, as git's do. */
const sameKey = (name: string, lowerKey: string) => name.length === lowerKey.length && name.toLowerCase() === lowerKey;

export function trailerValue(trailers: Trailers, key: string): string | undefined {
  const lowerKey = key.toLowerCase();
  return trailers.find(([name]) => sameKey(name, lowerKey))?.[1];
}

export function trailerValues(trailers: Trailers, key: string): string[] {
  const lowerKey = key.toLowerCase();
  return trailers.filter(([name]) => sameKey(name, lowerKey)).map(([, value]) => value);
}

/** The trailers of `trailerKeys` a message carries: the first value of each key, and every Image-Changed. */
export type Claims = { [K in Exclude<keyof typeof trailerKeys, "imageChanged">]: string | undefined } & {
  imageChanged: string[];
};

type ClaimKey = keyof typeof trailerKeys;
const claimKeys = Object.entries(trailerKeys) as [ClaimKey, string][];
const claimOfKey = new Map(claimKeys.map(([claim, key]) => [key, claim]));
const claimOfLowerKey = new Map(claimKeys.map(([claim, key]) => [key.toLowerCase(), claim]));

/** What `trailerValue` and `trailerValues` say for every key of `trailerKeys`, in one pass (history reads thousands of messages). */
export function readClaims(trailers: Trailers): Claims {
  const claims: Claims = {
    promotedFrom: undefined,
    promotedTo: undefined,
    sourceCommit: undefined,
    targetCommit: undefined,
    hotfix: undefined,
    rollbackOf: undefined,
    imageChanged: [],
  };
  for (let index = 0; index < trailers.length; index += 1) {
    const name = trailers[index]![0];
    const value = trailers[index]![1];
    const claim = claimOfKey.get(name) ?? claimOfLowerKey.get(name.toLowerCase());
    if (claim === "imageChanged") claims.imageChanged.push(value);
    else if (claim !== undefined && claims[claim] === undefined) claims[claim] = value;
  }
  return claims;
}
