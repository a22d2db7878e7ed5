import * as z from "zod";
import { answersDigest, diskFiles, type FileQuestion } from "../io/source-files.ts";
import { projectConfigFile } from "../config/project-file.ts";
import { entryFile, keepEntry, readEntry, type Store } from "../store/store.ts";

/**
 * `generate --check`'s last "up to date" for a repository, as a store entry (src/store/store.ts):
 * every question the rendering and the comparison asked of the files (each input read, each
 * folder listed, each generated file read) and a digest of the answers. Rendering is a pure
 * function of those answers, so while the same build gets the same answers, the entry stands,
 * and the next check is a re-read and a hash instead of a render. Only "up to date" is kept: a
 * stale tree needs its diff, which only rendering gives.
 */
const fileQuestion: z.ZodType<FileQuestion> = z.union([
  z.strictObject({ read: z.string() }),
  z.strictObject({ listFiles: z.string() }),
  z.strictObject({ listDirs: z.string() }),
]);

const upToDateEntry = z.object({
  questions: z.array(fileQuestion),
  digest: z.string(),
  unchanged: z.array(z.string()),
  foreign: z.array(z.string()),
});
export type UpToDateEntry = z.infer<typeof upToDateEntry>;

const kind = "generate-check";

/**
 * Whether an entry shows what its answer rests on: the project configuration among the files it
 * read (every render reads it), and every file it calls unchanged or foreign read too. An entry
 * that read nothing would match any tree (no answers, one digest): it is not trusted.
 */
function provesWhatItCovers(entry: UpToDateEntry): boolean {
  const reads = new Set(entry.questions.flatMap((question) => ("read" in question ? [question.read] : [])));
  return reads.has(projectConfigFile) && [...entry.unchanged, ...entry.foreign].every((path) => reads.has(path));
}

/** Where a repository's entry is kept. */
export const upToDateEntryFile = (store: Store, root: string) => entryFile(store, kind, root);

/**
 * The unchanged and foreign files of the last up-to-date check, while its entry stands; else
 * undefined. `onRead` sees each file as it is read again to tell.
 */
export function standingUpToDate(
  store: Store,
  root: string,
  onRead?: (path: string, text: string) => void,
): { unchanged: string[]; foreign: string[] } | undefined {
  const entry = readEntry(store, kind, root, upToDateEntry);
  try {
    if (
      entry === undefined ||
      !provesWhatItCovers(entry) ||
      answersDigest(diskFiles(root), entry.questions, onRead) !== entry.digest
    )
      return undefined;
    return { unchanged: entry.unchanged, foreign: entry.foreign };
  } catch {
    return undefined; // a file that no longer reads: check for real
  }
}

/** Keeps an up-to-date answer (best effort, see Store). */
export function keepUpToDate(store: Store, root: string, entry: UpToDateEntry): void {
  keepEntry(store, kind, root, entry);
}
