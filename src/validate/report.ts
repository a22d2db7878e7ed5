import type { CheckReport } from "./check.ts";
import type { Finding, RuleInfo } from "./finding.ts";

function where(finding: Finding): string {
  if (!finding.file) return "";
  return finding.line ? `${finding.file}:${finding.line}:${finding.column ?? 1}` : finding.file;
}

/** One finding per line, then its hint (or its waiver) indented below. */
export function formatFinding(finding: Finding): string {
  const subject = [finding.object, finding.path].filter(Boolean).join(" ");
  const head = `${finding.waived !== undefined ? "waived" : finding.severity} [${finding.rule}] ${finding.stage}: ${[where(finding), subject].filter(Boolean).join(" ")}`;
  if (finding.waived !== undefined) return `${head}: ${finding.waived}`;
  return `${head}\n  ${finding.message}\n  fix: ${finding.hint}`;
}

export function summarize(report: CheckReport): { errors: number; warnings: number; waived: number } {
  const open = report.findings.filter((finding) => finding.waived === undefined);
  return {
    errors: open.filter((finding) => finding.severity === "error").length,
    warnings: open.filter((finding) => finding.severity === "warning").length,
    waived: report.findings.length - open.length,
  };
}

export function formatReport(report: CheckReport): string {
  const counts = summarize(report);
  const lines = report.findings.map(formatFinding);
  lines.push(
    `checked ${report.stages.length} ${report.stages.length === 1 ? "stage" : "stages"} (${report.stages.join(", ")}), ${report.objects} objects: ${counts.errors} errors, ${counts.warnings} warnings, ${counts.waived} waived${report.kustomized.length > 0 ? `; compared with kustomize build: ${report.kustomized.join(", ")}` : ""}`,
  );
  return lines.join("\n");
}

export function formatRules(rules: readonly RuleInfo[]): string {
  return rules
    .map((rule) => `${rule.id.padEnd(22)} ${rule.severity.padEnd(8)} ${rule.category.padEnd(10)} ${rule.summary}`)
    .join("\n");
}
