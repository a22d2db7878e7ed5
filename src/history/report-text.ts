import { terminalLineLength, terminalText } from "../terminal-text.ts";
import { parseImageReference } from "../values/image-reference.ts";
import type { DeploymentHistory } from "./model.ts";
import { markText } from "./live.ts";
import { imageChangeText } from "../promotion/message.ts";

/** The tag (or digest) of an image: what tells two images of one service apart. */
export function shortImage(image: string | undefined): string {
  if (image === undefined) return "-";
  const reference = parseImageReference(image);
  return reference?.digest?.slice(0, 19) ?? reference?.tag ?? image;
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => `  ${row.map((cell, column) => cell.padEnd(widths[column]!)).join("  ")}`.trimEnd());
}

/**
 * `history` for a terminal: now, what waits, the events, then warnings and caveats. What comes
 * from outside (commit authors and subjects, the clusters' messages, warnings quoting commit
 * messages) is printed through terminalText; the JSON and HTML reports keep it whole.
 */
export function historyText(history: DeploymentHistory): string {
  const lines: string[] = [
    history.source === "git"
      ? "Read from git only (--live marks what each stage's cluster applied)."
      : "Read from git, marked with the clusters' word (--live).",
    "",
    "Now (image tag per stage):",
  ];
  lines.push(
    ...table([
      ["service", ...history.now.map((stage) => stage.stage)],
      ...history.services.map((service) => [service, ...history.now.map((stage) => shortImage(stage.images[service]))]),
    ]),
  );
  lines.push("", "Waiting (what the next promotion would bring):");
  for (const stage of history.now) {
    if (!stage.waiting) lines.push(`  ${stage.stage} ← ${stage.promotedFrom}: branch missing`);
    else if (stage.waiting.commits === 0 && stage.waiting.changes.length === 0)
      lines.push(`  ${stage.stage} ← ${stage.promotedFrom}: up to date`);
    else
      lines.push(
        `  ${stage.stage} ← ${stage.promotedFrom}: ${stage.waiting.commits} commit(s)${stage.waiting.changes.map((change) => `; ${imageChangeText(change)}`).join("")}`,
      );
  }
  lines.push("", "Events (oldest first):");
  const events = [...history.events].sort((a, b) => (a.date === b.date ? 0 : a.date < b.date ? -1 : 1));
  for (const event of events) {
    const origin = event.from
      ? ` from ${event.from}${event.sourceCommit ? ` ${event.sourceCommit.slice(0, 12)}` : ""}`
      : "";
    const changes = event.changes.length === 0 ? "no image change" : event.changes.map(imageChangeText).join("; ");
    if (event.kind === "origin") {
      lines.push(`  ${event.date}  ${event.stage.padEnd(6)} origin: ${terminalText(event.subject)}`);
      continue;
    }
    lines.push(
      `  ${event.date}  ${event.stage.padEnd(6)} ${event.kind}${origin} by ${terminalText(event.author)} (${event.commit.slice(0, 12)}): ${changes}`,
    );
    if (event.cluster)
      lines.push(
        `  ${" ".repeat(event.date.length)}  ${"".padEnd(6)} cluster: ${terminalText(markText(event.cluster), terminalLineLength)}`,
      );
  }
  if (history.live) {
    lines.push("", "Clusters read (--live):");
    for (const stage of history.live)
      lines.push(
        `  ${stage.stage} (context ${stage.context}): ${terminalText(
          stage.problem ??
            `applied ${stage.lastAppliedRevision ?? "nothing"}${stage.ready ? `; Ready ${stage.ready.status} (${stage.ready.reason})` : ""}${stage.recordsSince ? `; records since ${stage.recordsSince}` : ""}`,
          terminalLineLength,
        )}`,
      );
  }
  if (history.warnings.length > 0) {
    lines.push("", "Warnings (history that cannot be trusted as it stands):");
    for (const warning of history.warnings)
      lines.push(
        `  ${warning.stage}${warning.commit ? ` ${warning.commit.slice(0, 12)}` : ""}: ${terminalText(warning.message, terminalLineLength)}`,
      );
  }
  lines.push("", "Caveats:", ...history.caveats.map((caveat) => `  - ${caveat}`));
  return lines.join("\n");
}
