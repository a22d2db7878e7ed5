import type { FieldChange } from "./objects.ts";
import type { StageDiff } from "./stages.ts";

const marks = { added: "+", removed: "-", changed: "~", unchanged: "=" } as const;

function shown(value: unknown, limit: number): string {
  const text = JSON.stringify(value) ?? "undefined";
  return text.length > limit ? `${text.slice(0, limit - 1)}…` : text;
}

function fieldLine(field: FieldChange, limit: number): string {
  if (field.change === "added") return `${field.path}: added ${shown(field.after, limit)}`;
  if (field.change === "removed") return `${field.path}: removed (was ${shown(field.before, limit)})`;
  return `${field.path}: ${shown(field.before, limit)} → ${shown(field.after, limit)}`;
}

export function countChanges(diffs: readonly StageDiff[]): number {
  return diffs.reduce((sum, diff) => sum + diff.changes.length, 0);
}

/** Plain text, everything shown: `+`/`-`/`~` per object, one indented line per field. */
export function formatDiffText(diffs: readonly StageDiff[]): string {
  return diffs
    .map((diff) => {
      const lines = diff.changes.flatMap((change) => [
        `${marks[change.change]} ${change.object}`,
        ...change.fields.map((field) => `    ${fieldLine(field, 200)}`),
      ]);
      return [
        `## ${diff.title}: ${diff.changes.length === 0 ? "no differences" : `${diff.changes.length} objects differ`}`,
        ...lines,
      ].join("\n");
    })
    .join("\n\n");
}

export interface MarkdownLimits {
  /** Detail lines shown before the rest is summarised; GitHub comments stop at 65536 characters. */
  maxLines: number;
  maxValueLength: number;
}

/** A pull-request comment: a summary table, then details until the limit, then what was cut. */
export function formatDiffMarkdown(
  diffs: readonly StageDiff[],
  heading: string,
  limits: MarkdownLimits = { maxLines: 200, maxValueLength: 80 },
): string {
  const table = [
    `### ${heading}`,
    "",
    "| comparison | added | removed | changed |",
    "|---|---:|---:|---:|",
    ...diffs.map((diff) => {
      const count = (kind: string) => diff.changes.filter((change) => change.change === kind).length;
      return `| ${diff.title} | ${count("added")} | ${count("removed")} | ${count("changed")} |`;
    }),
  ];
  const details: string[] = [];
  let omitted = 0;
  for (const diff of diffs.filter((entry) => entry.changes.length > 0)) {
    const lines = [
      `#### ${diff.title}`,
      ...diff.changes.flatMap((change) => [
        `- \`${marks[change.change]} ${change.object}\``,
        ...change.fields.map((field) => `  - \`${fieldLine(field, limits.maxValueLength).replaceAll("`", "'")}\``),
      ]),
    ];
    for (const line of lines) {
      if (details.length < limits.maxLines) details.push(line);
      else if (line.startsWith("- ") || line.startsWith("  - ")) omitted += 1;
    }
  }
  const cut =
    omitted > 0
      ? [
          "",
          `_… ${omitted} more changed objects and fields not shown; run \`npx jore4-flux diff\` locally for all of them._`,
        ]
      : [];
  const body = countChanges(diffs) === 0 ? ["", "No differences."] : ["", ...details, ...cut];
  return [...table, ...body].join("\n");
}
