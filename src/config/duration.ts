/**
 * The one duration grammar: Go's (`1m30s`, `500ms`, `2h`), as Flux and Kubernetes read it in the
 * values, and for command-line timeouts also a bare number of seconds (`180`).
 */
export const goDuration = /^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$/;

const unitSeconds: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };

/** Seconds of a Go duration or of a bare number of seconds; undefined when it is neither. */
export function durationSeconds(text: string): number | undefined {
  const trimmed = text.trim();
  if (/^[0-9]+$/.test(trimmed)) return Number(trimmed);
  if (!goDuration.test(trimmed)) return undefined;
  let seconds = 0;
  for (const [, amount, , unit] of trimmed.matchAll(/([0-9]+(\.[0-9]+)?)(ms|s|m|h)/g))
    seconds += Number(amount) * unitSeconds[unit!]!;
  return seconds;
}
