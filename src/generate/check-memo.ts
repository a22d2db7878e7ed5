import * as z from "zod";
import { keepRepositoryRecord, readRepositoryRecord, repositoryRecordFile } from "../io/repository-records.ts";
import { answersDigest, diskFiles, type FileQuestion } from "../io/source-files.ts";
import { projectConfigFile } from "../config/project-file.ts";

/**
 * `generate --check`'s last "up to date" for a repository, kept between runs: the build that
 * rendered, every question the rendering and the comparison asked of the files (each input read,
 * each folder listed, each generated file read) and a digest of the answers. Rendering is a pure
 * function of those answers, so while the same build gets the same answers, the answer stands,
 * and the next check is a re-read and a hash instead of a render. Only "up to date" is kept: a
 * stale tree needs its diff, which only rendering gives.
 */
const fileQuestion: z.ZodType<FileQuestion> = z.union([
  z.strictObject({ read: z.string() }),
  z.strictObject({ listFiles: z.string() }),
  z.strictObject({ listDirs: z.string() }),
]);

/** A record of another shape (e.g. edited by hand) is read past, never trusted (repository-records.ts). */
const upToDateRecord = z.object({
  build: z.string(),
  questions: z.array(fileQuestion),
  digest: z.string(),
  unchanged: z.array(z.string()),
  foreign: z.array(z.string()),
});
type UpToDateRecord = z.infer<typeof upToDateRecord>;

const kind = "generate-check";

/**
 * Whether a record shows what its answer rests on: the project configuration among the files it
 * read (every render reads it), and every file it calls unchanged or foreign read too. A record
 * that read nothing would match any tree (no answers, one digest): it is not trusted.
 */
function provesWhatItCovers(record: UpToDateRecord): boolean {
  const reads = new Set(record.questions.flatMap((question) => ("read" in question ? [question.read] : [])));
  return reads.has(projectConfigFile) && [...record.unchanged, ...record.foreign].every((path) => reads.has(path));
}

/** Where a repository's record is kept. */
export const upToDateRecordFile = (root: string) => repositoryRecordFile(kind, root);

/**
 * The unchanged and foreign files of the last up-to-date check, when it still stands; else
 * undefined. `onRead` sees each file as it is read again to tell (`check` counts its lines then).
 */
export function standingUpToDate(
  root: string,
  build: string,
  onRead?: (path: string, text: string) => void,
): { unchanged: string[]; foreign: string[] } | undefined {
  const record = readRepositoryRecord(kind, root, upToDateRecord);
  try {
    if (
      record?.build !== build ||
      !provesWhatItCovers(record) ||
      answersDigest(diskFiles(root), record.questions, onRead) !== record.digest
    )
      return undefined;
    return { unchanged: record.unchanged, foreign: record.foreign };
  } catch {
    return undefined; // no record, or a file that no longer reads: check for real
  }
}

/** Keeps an up-to-date answer (best effort: a read-only install keeps none). */
export function keepUpToDate(root: string, record: UpToDateRecord): void {
  keepRepositoryRecord(kind, root, record);
}
