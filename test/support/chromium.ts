import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { PNG } from "pngjs";

/** Headless Debian Chromium on a local file: no network, a throw-away profile in `dir`. */
function flags(dir: string, width: number, height: number): string[] {
  if (!existsSync("/usr/bin/chromium")) throw new Error("needs Debian's chromium: apt-get install -y chromium");
  return [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    `--user-data-dir=${join(dir, "profile")}`,
    `--window-size=${width},${height}`,
    "--hide-scrollbars",
  ];
}

/** Screenshots `html` (a file) into `png` and returns the decoded image. */
export async function screenshot(html: string, png: string, dir: string, width = 1200, height = 1400): Promise<PNG> {
  await execa("chromium", [...flags(dir, width, height), `--screenshot=${png}`, `file://${html}`], {
    timeout: 120_000,
  });
  return PNG.sync.read(readFileSync(png));
}

/** The page's DOM after Chromium laid it out (and ran its scripts) in a window `width` wide. */
export async function dumpDom(html: string, dir: string, width = 1200): Promise<string> {
  const dom = await execa("chromium", [...flags(dir, width, 1400), "--dump-dom", `file://${html}`], {
    timeout: 120_000,
  });
  return String(dom.stdout);
}

/** How many pixels of each exact colour (#rrggbb) a screenshot holds. */
export function colourCounts(png: PNG): Map<string, number> {
  const colours = new Map<string, number>();
  for (let at = 0; at < png.data.length; at += 4) {
    const key = `#${[png.data[at]!, png.data[at + 1]!, png.data[at + 2]!].map((channel) => channel.toString(16).padStart(2, "0")).join("")}`;
    colours.set(key, (colours.get(key) ?? 0) + 1);
  }
  return colours;
}
