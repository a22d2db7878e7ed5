import { createHash } from "node:crypto";
import { readdirSync, readFileSync, realpathSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { answersDigest, diskFiles, type FileQuestion } from "../io/source-files.ts";
import { writeFiles } from "../io/tree.ts";
import { packageCacheDir } from "../tools/paths.ts";

/**
 * `generate --check`'s last "up to date" for a repository, kept between runs: the build that
 * rendered, every question the rendering and the comparison asked of the files (each input read,
 * each folder listed, each generated file read) and a digest of the answers. Rendering is a pure
 * function of those answers, so while the same build gets the same answers, the answer stands,
 * and the next check is a re-read and a hash instead of a render. Only "up to date" is kept: a
 * stale tree needs its diff, which only rendering gives.
 */
interface UpToDateRecord {
  build: string;
  questions: FileQuestion[];
  digest: string;
  unchanged: string[];
  foreign: string[];
}

const recordsDir = join(packageCacheDir, "generate-check");
/** Records kept (one per repository; test runs make many): the oldest beyond this are removed. */
const keptRecords = 50;

const recordName = (root: string) =>
  `${createHash("sha256").update(realpathSync(root)).digest("hex").slice(0, 32)}.json`;

/** Where a repository's record is kept. */
export const upToDateRecordFile = (root: string) => join(recordsDir, recordName(root));

/**
 * The unchanged and foreign files of the last up-to-date check, when it still stands; else
 * undefined. `onRead` sees each file as it is read again to tell (`check` counts its lines then).
 */
export function standingUpToDate(
  root: string,
  build: string,
  onRead?: (path: string, text: string) => void,
): { unchanged: string[]; foreign: string[] } | undefined {
  try {
    const record = JSON.parse(readFileSync(upToDateRecordFile(root), "utf8")) as UpToDateRecord;
    if (record.build !== build || answersDigest(diskFiles(root), record.questions, onRead) !== record.digest)
      return undefined;
    return { unchanged: record.unchanged, foreign: record.foreign };
  } catch {
    return undefined; // no record, or a file that no longer reads: check for real
  }
}

/** Keeps an up-to-date answer (best effort: a read-only install keeps none). */
export function keepUpToDate(root: string, record: UpToDateRecord): void {
  try {
    writeFiles(recordsDir, [{ path: recordName(root), text: JSON.stringify(record) }]);
    const records = readdirSync(recordsDir)
      .filter((name) => name.endsWith(".json"))
      .map((name) => join(recordsDir, name));
    if (records.length <= keptRecords) return;
    const byAge = records.map((path) => ({ path, mtime: statSync(path).mtimeMs })).sort((a, b) => a.mtime - b.mtime);
    for (const { path } of byAge.slice(0, records.length - keptRecords)) rmSync(path, { force: true });
  } catch {
    // Not writable: the next check renders again.
  }
}
