import type { FluxCondition } from "../kube/flux.ts";
import { terminalLineLength, terminalText } from "../terminal-text.ts";
import { conditionText, shortCommit, type StageStatus } from "./model.ts";

/** `status` for a terminal: a block per stage, and the one line `--watch` prints per change. */

/** A duration for people: `42 s`, `12 min`, `3 h`, `5 d`. */
export function ago(seconds: number): string {
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172800) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86400)} d`;
}

/**
 * The one-line form `--watch` prints on each change. The reason carries what the cluster said
 * (Flux's messages, kubectl's complaint): printed through terminalText, as every field of the
 * text report that comes from the cluster; the JSON report keeps them whole.
 */
export function statusLine(status: StageStatus): string {
  return `${status.stage}: ${status.verdict}: ${terminalText(status.reason, terminalLineLength)}`;
}

/** The text report of every stage. */
export function statusText(statuses: readonly StageStatus[]): string {
  return statuses.map(stageText).join("\n");
}

function stageText(status: StageStatus): string {
  const lines = [statusLine(status), `  context     ${status.context}`];
  const { git } = status;
  const since = git.secondsSinceCommit !== undefined ? `, committed ${ago(git.secondsSinceCommit)} ago` : "";
  lines.push(`  branch      ${git.branch}: local ${shortCommit(git.local)}, remote ${shortCommit(git.remote)}`);
  if (git.head) lines.push(`  head        ${git.headRef} ${shortCommit(git.head)}${since}`);
  if (status.flux?.source) {
    const source = status.flux.source;
    lines.push(
      `  source      ${source.id}: artifact ${terminalText(source.artifactRevision ?? "none")}, ${readyText(source.ready)}`,
    );
  }
  if (status.flux?.kustomization) {
    const sync = status.flux.kustomization;
    lines.push(
      `  sync        ${sync.id}: applied ${terminalText(sync.lastAppliedRevision ?? "none")}, attempted ${terminalText(sync.lastAttemptedRevision ?? "none")}, ${readyText(sync.ready)}`,
    );
  }
  if (status.platform === "kind" && status.recorded)
    lines.push(
      `  deployed    ${terminalText(status.recorded.revision ?? "no revision recorded")}${status.recorded.uncommitted ? " with uncommitted changes" : ""}`,
    );
  for (const report of status.deployments) {
    const images = report.containers
      .map((container) =>
        container.running === container.git
          ? container.git
          : `${terminalText(container.running ?? "(none)")} (git: ${container.git})`,
      )
      .join(", ");
    lines.push(`  ${report.id}: ${report.state} (${report.summary}) ${images}`);
  }
  return lines.join("\n");
}

const readyText = (condition: FluxCondition | undefined) =>
  condition ? terminalText(`Ready ${condition.status} ${conditionText(condition)}`) : "no Ready condition yet";
