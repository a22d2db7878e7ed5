import { createHash } from "node:crypto";
import type { DeploymentHistory, ImagePeriod } from "./history.ts";
import { imageChangeText } from "./message.ts";
import { shortImage } from "./report-text.ts";

const escapes: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => escapes[char]!);

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

const style = `
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#1d2330;background:#fff}
h1{font-size:20px}h2{font-size:16px;margin-top:28px}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #d5d9e0;padding:4px 8px;text-align:left;font-family:ui-monospace,monospace;font-size:12px;word-break:break-all}
.service{margin:18px 0}.row{display:flex;align-items:center;height:30px}
.stage{width:70px;font-weight:600}.track{position:relative;flex:1;height:24px;background:#f0f2f5;border-radius:3px}
.bar{position:absolute;top:0;height:24px;color:#fff;font:11px/24px ui-monospace,monospace;overflow:hidden;white-space:nowrap;padding-left:4px;box-sizing:border-box;border-right:1px solid #fff}
.axis{display:flex;justify-content:space-between;margin-left:70px;color:#667;font-size:11px}
.warning{color:#a11}.caveats{color:#556}`;

function dateLabel(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace("T", " ");
}

function timeline(service: string, history: DeploymentHistory, start: number, end: number): string {
  const span = Math.max(end - start, 1);
  const rows = history.now.map(({ stage }) => {
    const periods = history.periods.filter((period) => period.service === service && period.stage === stage);
    const bars = periods.map((period: ImagePeriod) => {
      const from = Date.parse(period.from);
      const until = period.until ? Date.parse(period.until) : end;
      const left = ((from - start) / span) * 100;
      const width = Math.max(((until - from) / span) * 100, 0.4);
      const title = `${period.image}\n${period.from} → ${period.until ?? "now"}\n${period.kind}${period.promotedFrom ? ` from ${period.promotedFrom}` : ""} by ${period.by}\ncommit ${period.commit}`;
      return `<div class="bar" data-image="${escapeHtml(period.image)}" style="left:${left.toFixed(3)}%;width:${width.toFixed(3)}%;background:${imageColor(period.image)}" title="${escapeHtml(title)}">${escapeHtml(shortImage(period.image))}</div>`;
    });
    return `<div class="row" data-stage="${escapeHtml(stage)}"><div class="stage">${escapeHtml(stage)}</div><div class="track">${bars.join("")}</div></div>`;
  });
  return `<section class="service" data-service="${escapeHtml(service)}"><h3>${escapeHtml(service)}</h3>${rows.join("")}<div class="axis"><span>${dateLabel(start)}</span><span>${dateLabel(end)}</span></div></section>`;
}

/** The whole history as one self-contained HTML page: no scripts, fonts or anything fetched. */
export function historyHtml(history: DeploymentHistory, title = "jore4 deployment history"): string {
  const dates = history.periods.flatMap((period) => [
    Date.parse(period.from),
    ...(period.until ? [Date.parse(period.until)] : []),
  ]);
  const start = dates.length > 0 ? Math.min(...dates) : 0;
  const end = dates.length > 0 ? Math.max(...dates, ...history.events.map((event) => Date.parse(event.date))) : 1;
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
<h2>Timeline per service</h2>${history.services.map((service) => timeline(service, history, start, end)).join("\n")}
<h2>Warnings</h2>${warnings}
<h2>Caveats</h2><ul class="caveats">${history.caveats.map((caveat) => `<li>${escapeHtml(caveat)}</li>`).join("")}</ul>
</body></html>
`;
}
