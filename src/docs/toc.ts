import transform from "doctoc/lib/transform.js";

/** Headings down to this level go into the README's table of contents. */
const maxHeadingLevel = 4;

/** The text with its doctoc table of contents refreshed, or `undefined` when it is already current. */
export function refreshedToc(markdown: string): string | undefined {
  const result = transform(markdown, "github.com", maxHeadingLevel, undefined, undefined, undefined, true);
  return result.transformed ? result.data : undefined;
}
