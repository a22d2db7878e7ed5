import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { create } from "tar";
import type { RenderedBundle } from "./bundle.ts";

/**
 * Packs a rendered bundle into a .tar.gz whose root is the bundle folder's content
 * (docker-compose.yml, nginx.conf, secrets/…). Portable and with one fixed time, so the same
 * bundle gives the same archive. In memory (a bundle is kilobytes): the archive is written only
 * whole, so a failure leaves nothing half-written.
 */
export async function packBundle(bundle: RenderedBundle): Promise<{ entries: string[]; archive: Buffer }> {
  const staging = mkdtempSync(join(tmpdir(), "jore4-flux-bundle-"));
  try {
    const entries = bundle.files.map((file) => relative(bundle.dir, file.path)).sort();
    for (const file of bundle.files) {
      const path = join(staging, relative(bundle.dir, file.path));
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, file.text);
    }
    const chunks: Buffer[] = [];
    for await (const chunk of create({ gzip: true, cwd: staging, portable: true, mtime: new Date(0) }, entries))
      chunks.push(chunk as Buffer);
    return { entries, archive: Buffer.concat(chunks) };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
