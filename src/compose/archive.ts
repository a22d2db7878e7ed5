import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { create } from "tar";
import type { RenderedBundle } from "./bundle.ts";

/**
 * Packs a rendered bundle into a .tar.gz whose root is the bundle folder's content
 * (docker-compose.yml, nginx.conf, secrets/…). Portable and with one fixed time, so the same
 * bundle gives the same archive.
 */
export async function packBundle(bundle: RenderedBundle, output: string): Promise<string[]> {
  const staging = mkdtempSync(join(tmpdir(), "jore4-flux-bundle-"));
  try {
    const entries = bundle.files.map((file) => relative(bundle.dir, file.path)).sort();
    for (const file of bundle.files) {
      const path = join(staging, relative(bundle.dir, file.path));
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, file.text);
    }
    mkdirSync(dirname(output), { recursive: true });
    await create({ gzip: true, file: output, cwd: staging, portable: true, mtime: new Date(0) }, entries);
    return entries;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
