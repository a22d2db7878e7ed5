import { createHash } from "node:crypto";
import type { DeploymentEvent, DeploymentHistory, ImagePeriod } from "./model.ts";
import { markText } from "./live.ts";
import { imageChangeText } from "../promotion/message.ts";
import { shortImage } from "./report-text.ts";

const escapes: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => escapes[char]!);

/** A stable, saturated colour per image, so the same image has the same colour on every stage. */
export function imageColor(image: string): string {
  const hash = createHash("sha1").update(image).digest();
  const hue = (hash[0]! * 256 + hash[1]!) % 360;
  // HSL(hue, 65%, 45%) → RGB, so the colour is exact in the page (and testable in a screenshot).
  const chroma = (1 - Math.abs(2 * 0.45 - 1)) * 0.65;
  const second = chroma * (1 - Math.abs(((hue / 60) % 2) - 1));
  const [r, g, b] = [
    [chroma, second, 0],
    [second, chroma, 0],
    [0, chroma, second],
    [0, second, chroma],
    [second, 0, chroma],
    [chroma, 0, second],
  ][Math.floor(hue / 60) % 6]!;
  const lightness = 0.45 - chroma / 2;
  return `#${[r!, g!, b!]
    .map((channel) =>
      Math.round((channel + lightness) * 255)
        .toString(16)
        .padStart(2, "0"),
    )
    .join("")}`;
}

/** Pixels one axis unit takes at least: the narrowest bar, and the spacing of two marks. */
const unitPx = 6;
const markPx = 3;

const style = `
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#1d2330;background:#fff}
h1{font-size:20px}h2{font-size:16px;margin-top:28px}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #d5d9e0;padding:4px 8px;text-align:left;font-family:ui-monospace,monospace;font-size:12px;overflow-wrap:anywhere}th{white-space:nowrap}
.scroll{overflow-x:auto}.service{margin:18px 0}.row{display:flex;align-items:center;height:30px}
.stage{width:70px;flex:none;font-weight:600}.track{position:relative;flex:1;height:24px;background:#f0f2f5;border-radius:3px}
.bar{position:absolute;top:0;height:24px;color:#fff;font:11px/24px ui-monospace,monospace;overflow:hidden;white-space:nowrap;padding-left:4px;box-sizing:border-box;border-right:1px solid #fff}
.mark{position:absolute;top:2px;width:${markPx}px;height:20px;margin-left:-${markPx / 2}px;border-radius:1px}
.mark.promotion{background:#2563eb}.mark.hotfix{background:#d97706}.mark.rollback{background:#b91c1c}.mark.commit{background:#6b7280}.mark.origin{background:#c4c9d2}
.break{position:absolute;top:-3px;bottom:-3px;width:0;border-left:3px double #fff;z-index:1}
.axis{position:relative;height:32px;margin-left:70px;color:#667;font-size:11px}
.axis span{position:absolute;top:0;white-space:nowrap;transform:translateX(-50%)}.axis span:first-child{transform:none}.axis .end{transform:translateX(-100%)}.axis .gap{top:15px;color:#99a}
.legend span{display:inline-block;margin-right:14px}.legend i{display:inline-block;width:10px;height:12px;margin-right:4px;vertical-align:-1px}
.warning{color:#a11}.caveats{color:#556}
.mark.live-failed{outline:2px solid #b91c1c;outline-offset:1px}.mark.live-superseded{opacity:.3}.mark.live-pending{opacity:.6}
#live td:nth-child(-n+4){white-space:nowrap;word-break:normal}td.applied{background:#e7f6ec}td.failed{background:#fde8e8;color:#8a1111}td.superseded{background:#f3f4f6;color:#667}td.pending,td.unknown{color:#667}`;

function dateLabel(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace("T", " ");
}

/** Gaps longer than this are drawn as breaks in the axis. */
const breakAfterMs = 7 * 24 * 3_600_000;

function durationLabel(ms: number): string {
  const days = ms / (24 * 3_600_000);
  if (days >= 365) return `${(days / 365).toFixed(1)} y`;
  if (days >= 60) return `${Math.round(days / 30)} mo`;
  return `${Math.round(days)} d`;
}

/**
 * A compressed time axis: events are placed in date order, and each gap between two events takes
 * one unit plus a logarithm of its length, so a promotion an hour after another is as visible as
 * a period of years, and long quiet periods are shown as breaks.
 */
interface TimeAxis {
  /** Units from the first event to "now" (the right end). */
  units: number;
  /** Position (units) of a stage's event, by commit. */
  at(stage: string, commit: string): number;
  labels: { units: number; text: string }[];
  breaks: { units: number; text: string }[];
}

const eventKey = (stage: string, commit: string) => `${stage}\0${commit}`;

function timeAxis(events: readonly DeploymentEvent[]): TimeAxis {
  const sorted = events
    .map((event, index) => ({ event, index, ms: Date.parse(event.date) }))
    .sort((a, b) => a.ms - b.ms || a.index - b.index);
  const positions = new Map<string, number>();
  const breaks: TimeAxis["breaks"] = [];
  const labels: TimeAxis["labels"] = [];
  let units = 0;
  sorted.forEach(({ event, ms }, index) => {
    const gap = index === 0 ? 0 : ms - sorted[index - 1]!.ms;
    if (index > 0) {
      const width = 1 + 1.5 * Math.log10(1 + gap / 60_000);
      if (gap > breakAfterMs) breaks.push({ units: units + width / 2, text: durationLabel(gap) });
      units += width;
    }
    positions.set(eventKey(event.stage, event.commit), units);
  });
  const end = units + 2;
  const minSpacing = end / 7;
  let lastLabel = -Infinity;
  sorted.forEach(({ event, ms }) => {
    const position = positions.get(eventKey(event.stage, event.commit))!;
    if (position - lastLabel >= minSpacing && end - position >= minSpacing / 2) {
      const text = dateLabel(ms);
      // Events close together: the minutes alone would repeat one label.
      labels.push({
        units: position,
        text: text === labels.at(-1)?.text.slice(0, 16) ? `${text}:${new Date(ms).toISOString().slice(17, 19)}` : text,
      });
      lastLabel = position;
    }
  });
  if (sorted.length > 0) labels.push({ units: end, text: "now" });
  return { units: end, at: (stage, commit) => positions.get(eventKey(stage, commit)) ?? 0, labels, breaks };
}

function timelineRow(stage: string, content: string, axis: TimeAxis): string {
  const breaks = axis.breaks
    .map((gap) => `<div class="break" style="left:${percent(gap.units, axis)}%"></div>`)
    .join("");
  return `<div class="row" data-stage="${escapeHtml(stage)}"><div class="stage">${escapeHtml(stage)}</div><div class="track">${content}${breaks}</div></div>`;
}

function percent(units: number, axis: TimeAxis): string {
  return ((units / Math.max(axis.units, 1)) * 100).toFixed(3);
}

function axisRow(axis: TimeAxis): string {
  const labels = axis.labels.map(
    (label, index) =>
      `<span${index > 0 && index === axis.labels.length - 1 ? ' class="end"' : ""} style="left:${percent(label.units, axis)}%">${escapeHtml(label.text)}</span>`,
  );
  const gaps = axis.breaks.map(
    (gap) =>
      `<span class="gap" style="left:${percent(gap.units, axis)}%" title="no events for ${gap.text}">≈ ${escapeHtml(gap.text)}</span>`,
  );
  return `<div class="axis">${[...labels, ...gaps].join("")}</div>`;
}

function eventTitle(event: DeploymentEvent): string {
  const origin =
    event.from && event.kind !== "origin"
      ? ` from ${event.from}${event.sourceCommit ? ` ${event.sourceCommit.slice(0, 12)}` : ""}`
      : "";
  const cluster = event.cluster ? `\ncluster: ${markText(event.cluster)}` : "";
  return `${event.kind}${origin} on ${event.stage}\n${event.date} by ${event.author}\ncommit ${event.commit}\n${event.subject}${event.changes.map((change) => `\n${imageChangeText(change)}`).join("")}${cluster}`;
}

/** One row per stage with a mark for each of its events: every promotion visible, whatever it changed. */
function eventsTimeline(history: DeploymentHistory, axis: TimeAxis): string {
  const rows = history.now.map(({ stage }) =>
    timelineRow(
      stage,
      history.events
        .filter((event) => event.stage === stage)
        .map(
          (event) =>
            `<div class="mark ${event.kind}${event.cluster ? ` live-${event.cluster.state}` : ""}" data-commit="${event.commit}" style="left:${percent(axis.at(stage, event.commit), axis)}%" title="${escapeHtml(eventTitle(event))}"></div>`,
        )
        .join(""),
      axis,
    ),
  );
  const legend = (["promotion", "hotfix", "rollback", "commit", "origin"] as const)
    .map((kind) => `<span><i class="mark ${kind}" style="position:static;margin:0 4px 0 0"></i>${kind}</span>`)
    .join("");
  return `<section class="events"><p class="legend">${legend}</p>${rows.join("")}${axisRow(axis)}</section>`;
}

function timeline(service: string, history: DeploymentHistory, axis: TimeAxis): string {
  const rows = history.now.flatMap(({ stage }) => {
    const periods = history.periods.filter((period) => period.service === service && period.stage === stage);
    if (periods.length === 0) return [];
    const bars = periods.map((period: ImagePeriod) => {
      const from = axis.at(stage, period.commit);
      const until = period.endedBy ? axis.at(stage, period.endedBy) : axis.units;
      const title = `${period.image}\n${period.from} → ${period.until ?? "now"}\n${period.kind}${period.promotedFrom ? ` from ${period.promotedFrom}` : ""} by ${period.by}\ncommit ${period.commit}`;
      return `<div class="bar" data-image="${escapeHtml(period.image)}" style="left:${percent(from, axis)}%;width:${percent(until - from, axis)}%;background:${imageColor(period.image)}" title="${escapeHtml(title)}">${escapeHtml(shortImage(period.image))}</div>`;
    });
    return [timelineRow(stage, bars.join(""), axis)];
  });
  return `<section class="service" data-service="${escapeHtml(service)}"><h3>${escapeHtml(service)}</h3>${rows.join("")}${axisRow(axis)}</section>`;
}

/** `--live`: every marked event with the cluster's word, newest first, and how each cluster was read. */
function liveSection(history: DeploymentHistory): string {
  if (!history.live)
    return `<p class="caveats">Read from git only: run <code>history --live</code> to mark what each stage's cluster applied.</p>`;
  const rows = history.events
    .filter((event) => event.cluster)
    .sort((a, b) => Date.parse(b.pushedAt ?? b.date) - Date.parse(a.pushedAt ?? a.date))
    .map((event) => {
      const mark = event.cluster!;
      return `<tr data-commit="${event.commit}" data-state="${mark.state}"><td>${escapeHtml(event.stage)}</td><td>${escapeHtml(event.pushedAt ?? event.date)}</td><td>${escapeHtml(event.kind)}</td><td>${event.commit.slice(0, 12)}</td><td>${escapeHtml(event.changes.map(imageChangeText).join("; ") || "no image change")}</td><td class="${mark.state}">${escapeHtml(markText(mark))}</td></tr>`;
    });
  const stages = history.live
    .map(
      (stage) =>
        `<li${stage.problem ? ' class="warning"' : ""}>${escapeHtml(`${stage.stage} (context ${stage.context}): ${stage.problem ?? `applied ${stage.lastAppliedRevision ?? "nothing"}${stage.ready ? `, Ready ${stage.ready.status} (${stage.ready.reason})` : ""}`}`)}</li>`,
    )
    .join("");
  return `<table id="live"><tr><th>stage</th><th>pushed (or committed)</th><th>kind</th><th>commit</th><th>image changes</th><th>the cluster's word</th></tr>${rows.join("")}</table><ul>${stages}</ul>`;
}

/** The whole history as one self-contained HTML page: no scripts, fonts or anything fetched. */
export function historyHtml(history: DeploymentHistory, title = "jore4 deployment history"): string {
  const axis = timeAxis(history.events);
  const matrix = `<table id="now"><tr><th>service</th>${history.now.map((stage) => `<th>${escapeHtml(stage.stage)}</th>`).join("")}</tr>${history.services
    .map(
      (service) =>
        `<tr><td>${escapeHtml(service)}</td>${history.now
          .map((stage) => {
            const image = stage.images[service];
            return `<td title="${escapeHtml(image ?? "")}">${image ? `<span style="color:${imageColor(image)}">■</span> ` : ""}${escapeHtml(shortImage(image))}</td>`;
          })
          .join("")}</tr>`,
    )
    .join("")}</table>`;
  const waiting = `<table id="waiting"><tr><th>stage</th><th>from</th><th>commits waiting</th><th>image changes waiting</th></tr>${history.now
    .map(
      (stage) =>
        `<tr><td>${escapeHtml(stage.stage)}</td><td>${escapeHtml(stage.promotedFrom)}</td><td>${stage.waiting?.commits ?? "branch missing"}</td><td>${escapeHtml(stage.waiting?.changes.map(imageChangeText).join("; ") ?? "")}</td></tr>`,
    )
    .join("")}</table>`;
  const warnings =
    history.warnings.length === 0
      ? "<p>None detected.</p>"
      : `<ul>${history.warnings.map((warning) => `<li class="warning">${escapeHtml(`${warning.stage}${warning.commit ? ` ${warning.commit.slice(0, 12)}` : ""}: ${warning.message}`)}</li>`).join("")}</ul>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'"><title>${escapeHtml(title)}</title><style>${style}</style></head>
<body><h1>${escapeHtml(title)}</h1>
<h2>Now</h2>${matrix}
<h2>Waiting (promotion debt)</h2>${waiting}
<h2>Applied in the clusters</h2>${liveSection(history)}
<h2>Timeline</h2>
<p>Time runs left to right in event order: each gap between two events takes at least ${unitPx} px and grows with the logarithm of its length; gaps longer than ${durationLabel(breakAfterMs)} are breaks (≈).</p>
<div class="scroll"><div style="min-width:${Math.ceil(axis.units * unitPx) + 70}px">
<h3>Events per stage</h3>${eventsTimeline(history, axis)}
${history.services.map((service) => timeline(service, history, axis)).join("\n")}
</div></div>
<h2>Warnings</h2>${warnings}
<h2>Caveats</h2><ul class="caveats">${history.caveats.map((caveat) => `<li>${escapeHtml(caveat)}</li>`).join("")}</ul>
</body></html>
`;
}
