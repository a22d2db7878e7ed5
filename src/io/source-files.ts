import { isUtf8 } from "node:buffer";
import { createHash, type Hash } from "node:crypto";
import {
  closeSync,
  constants,
  existsSync,
  fstatSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  statSync,
  type Dirent,
  type Stats,
} from "node:fs";
import { basename, dirname, isAbsolute, join, relative, sep } from "node:path";
import { fileSystemError, invalidInput } from "../errors.ts";
import { readOpenFile } from "../process-context.ts";

/** Read access to the repository's input files, by path relative to the repository root. */
export interface SourceFiles {
  read(path: string): string | undefined;
  /** Names of the files (not folders) directly in `dir`, sorted; empty when `dir` does not exist. */
  listFiles(dir: string): string[];
  /** Names of the folders directly in `dir`, sorted. */
  listDirs(dir: string): string[];
  /**
   * What is at `path` when something is there that `read` does not read ("a folder", "a FIFO
   * (named pipe)" …, see nonFileKind); undefined for a file or nothing. Asked only to say why a
   * file could not be read.
   */
  nonFileAt(path: string): string | undefined;
}

/** In-memory files, for tests and for rendering a planned change before it is written. */
export function memoryFiles(files: Readonly<Record<string, string>>): SourceFiles {
  const entries = (dir: string) => {
    const prefix = dir === "" || dir === "." ? "" : `${dir.replace(/\/$/, "")}/`;
    return Object.keys(files)
      .filter((path) => path.startsWith(prefix))
      .map((path) => path.slice(prefix.length));
  };
  return {
    read: (path) => files[path],
    listFiles: (dir) =>
      entries(dir)
        .filter((rest) => !rest.includes("/"))
        .sort(),
    listDirs: (dir) =>
      [
        ...new Set(
          entries(dir)
            .filter((rest) => rest.includes("/"))
            .map((rest) => rest.split("/")[0]!),
        ),
      ].sort(),
    nonFileAt: (path) => (entries(path).length > 0 && files[path] === undefined ? "a folder" : undefined),
  };
}

/** A file's bytes as text; a byte that is not UTF-8 is an input error at its line and column, never a silent U+FFFD. */
export function utf8Text(file: string, bytes: Buffer): string {
  if (isUtf8(bytes)) return bytes.toString("utf8");
  let start = 0;
  for (let line = 1; ; line += 1) {
    const end = bytes.indexOf(0x0a, start);
    const lineBytes = bytes.subarray(start, end === -1 ? bytes.length : end);
    if (!isUtf8(lineBytes)) {
      let valid = 0;
      for (;;) {
        const lead = lineBytes[valid]!;
        const length = lead < 0x80 ? 1 : lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : 4;
        if (lead > 0xf4 || (lead >= 0x80 && lead < 0xc2) || !isUtf8(lineBytes.subarray(valid, valid + length))) break;
        valid += length;
      }
      const column = lineBytes.subarray(0, valid).toString("utf8").length + 1;
      throw invalidInput([
        {
          location: { file, line, column },
          message: `not UTF-8: byte 0x${lineBytes[valid]!.toString(16).padStart(2, "0")} (save the file as UTF-8)`,
        },
      ]);
    }
    if (end === -1) return bytes.toString("utf8");
    start = end + 1;
  }
}

/** What a path that is there but is not a regular file is, in words: "a folder", "a FIFO" … */
export function nonFileKind(stats: Stats): string {
  if (stats.isDirectory()) return "a folder";
  if (stats.isFIFO()) return "a FIFO (named pipe)";
  if (stats.isSocket()) return "a socket";
  if (stats.isCharacterDevice()) return "a character device";
  if (stats.isBlockDevice()) return "a block device";
  return stats.isSymbolicLink() ? "a symbolic link" : "not a regular file";
}

/** A path's file status, undefined where existsSync would say false. */
function status(stat: typeof statSync, full: string): Stats | undefined {
  try {
    return stat(full, { throwIfNoEntry: false });
  } catch {
    return undefined; // a file where a folder was expected (ENOTDIR), or no access
  }
}

/**
 * Where `full` really is relative to the repository at `root`, symbolic links resolved in the part
 * of it that exists ("a/b", "" for the root itself); undefined outside the repository.
 */
export function repositoryPath(root: string, full: string): string | undefined {
  let existing = full;
  const rest: string[] = [];
  while (!existsSync(existing) && dirname(existing) !== existing) {
    rest.unshift(basename(existing));
    existing = dirname(existing);
  }
  const path = relative(realpathSync(root), join(realpathSync(existing), ...rest));
  return path === ".." || path.startsWith(`..${sep}`) || isAbsolute(path) ? undefined : path.split(sep).join("/");
}

/** The first path from `root` down to `dir` that is not a folder (where listing `dir` fails with ENOTDIR); else `dir`. */
function blockingPath(root: string, dir: string): string {
  const parts = dir.split("/");
  for (let length = 1; length <= parts.length; length += 1) {
    const path = parts.slice(0, length).join("/");
    const stats = status(statSync, join(root, path));
    if (stats !== undefined && !stats.isDirectory()) return path;
  }
  return dir;
}

export function diskFiles(root: string): SourceFiles {
  const realRoot = existsSync(root) ? realpathSync(root) : root;
  // A file that is not a link is where its folder really is: one realpath per folder, not per file.
  const realFolders = new Map<string, string>();
  const realPath = (full: string, isLink: boolean) => {
    if (isLink) return realpathSync.native(full);
    const folder = dirname(full);
    let real = realFolders.get(folder);
    if (real === undefined) realFolders.set(folder, (real = realpathSync.native(folder)));
    return join(real, basename(full));
  };
  /** A symlink may point within the repository; one that leaves it is refused (the input would not be in git). */
  const inside = (path: string, full: string, isLink: boolean) => {
    const target = relative(realRoot, realPath(full, isLink));
    if (target === ".." || target.startsWith(`..${sep}`) || target.startsWith(sep))
      throw invalidInput([
        {
          location: { file: path, line: 1, column: 1 },
          message: `is a symbolic link to ${realpathSync(full)}, outside the repository; copy the file into the repository`,
        },
      ]);
    return full;
  };
  /**
   * What a symbolic link found in a listing leads to: followed like the folders and values files
   * are, when it stays in the repository; one that leaves it, or leads nowhere, is refused (never
   * silently left out: a manifest that is not rendered looks like one that is). A hidden one that
   * leads nowhere is left out: an editor's lock (Emacs links `.#x.yaml` to `user@host.pid`).
   */
  const linked = (path: string, full: string): Stats | undefined => {
    const target = status(statSync, full);
    if (target === undefined && basename(path).startsWith(".")) return undefined;
    if (target === undefined)
      throw invalidInput([
        {
          location: { file: path, line: 1, column: 1 },
          message: `is a symbolic link to ${readlinkSync(full)}, which does not exist; fix or remove the link`,
        },
      ]);
    inside(path, full, true);
    return target;
  };
  const kindOf = (dir: string, wantDir: boolean) => {
    const full = join(root, dir);
    let entries: Dirent[];
    try {
      entries = readdirSync(full, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      // Bad input where a folder is expected (a file in its place): named as the user sees it.
      throw fileSystemError(`${blockingPath(root, dir)}/`, error, "read");
    }
    return entries
      .filter((entry) => {
        const kind = entry.isSymbolicLink() ? linked(`${dir}/${entry.name}`, join(full, entry.name)) : entry;
        return kind !== undefined && (wantDir ? kind.isDirectory() : kind.isFile());
      })
      .map((entry) => entry.name)
      .sort();
  };
  return {
    read: (path) => {
      const full = join(root, path);
      // Opened without following a link (a link is looked at apart): one system call fewer per
      // file than a status first, and check reads thousands. Non-blocking: a FIFO is no file.
      let fd: number;
      try {
        fd = openSync(full, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "ENOENT" || code === "ENOTDIR") return undefined;
        if (code !== "ELOOP") throw error;
        return status(statSync, full)?.isFile() ? utf8Text(path, readFileSync(inside(path, full, true))) : undefined;
      }
      try {
        const stats = fstatSync(fd);
        if (!stats.isFile()) return undefined;
        inside(path, full, false);
        return utf8Text(path, readOpenFile(fd, stats.size));
      } finally {
        closeSync(fd);
      }
    },
    listFiles: (dir) => kindOf(dir, false),
    listDirs: (dir) => kindOf(dir, true),
    nonFileAt: (path) => {
      const stats = status(statSync, join(root, path));
      return stats === undefined || stats.isFile() ? undefined : nonFileKind(stats);
    },
  };
}

/** `files` with each file read and each folder listed at most once (check reads clusters/ for the stale check, then per stage). */
export const readOnce = (files: SourceFiles): SourceFiles => tracingFiles(files).files;

/** `base` with some files replaced: how a planned edit is validated before it is written. */
export function overlayFiles(base: SourceFiles, changed: Readonly<Record<string, string>>): SourceFiles {
  const added = memoryFiles(changed);
  const union = (a: string[], b: string[]) => [...new Set([...a, ...b])].sort();
  return {
    read: (path) => changed[path] ?? base.read(path),
    listFiles: (dir) => union(base.listFiles(dir), added.listFiles(dir)),
    listDirs: (dir) => union(base.listDirs(dir), added.listDirs(dir)),
    nonFileAt: (path) => (changed[path] === undefined ? base.nonFileAt(path) : undefined),
  };
}

/**
 * Every file below `dir`, with its text, sorted by path (what `generate` compares against). Names
 * starting with a dot are skipped: the lock and the work folders of a run writing `clusters/`.
 */
export function filesBelow(files: SourceFiles, dir: string): { path: string; text: string }[] {
  const visible = (name: string) => !name.startsWith(".");
  const walk = (at: string): { path: string; text: string }[] => [
    ...files
      .listFiles(at)
      .filter(visible)
      .map((name) => ({ path: `${at}/${name}`, text: files.read(`${at}/${name}`) ?? "" })),
    ...files
      .listDirs(at)
      .filter(visible)
      .flatMap((sub) => walk(`${at}/${sub}`)),
  ];
  return walk(dir).sort((a, b) => (a.path < b.path ? -1 : 1));
}

/** One question a run asked of its files. */
export type FileQuestion = { read: string } | { listFiles: string } | { listDirs: string };
type Answer = string | undefined | string[];

function answer(files: SourceFiles, question: FileQuestion): Answer {
  if ("read" in question) return files.read(question.read);
  return "listFiles" in question ? files.listFiles(question.listFiles) : files.listDirs(question.listDirs);
}

/** Adds a question and its answer to a digest: a text as its length and itself (no escaped copy of it). */
function hashAnswer(hash: Hash, question: FileQuestion, answer: Answer): void {
  hash.update(`${JSON.stringify(question)}\n`);
  if (typeof answer === "string") hash.update(`${answer.length}\n`).update(answer);
  else hash.update(`${JSON.stringify(answer ?? null)}\n`);
}

function digestOf(answered: Iterable<readonly [FileQuestion, Answer]>): string {
  const hash = createHash("sha256");
  for (const [question, text] of answered) hashAnswer(hash, question, text);
  return hash.digest("hex");
}

/**
 * A digest of the answers `files` gives to `questions` now, asked in order (throws as reading
 * does); each answer is hashed as it comes and let go, after `onRead` saw each file read.
 */
export function answersDigest(
  files: SourceFiles,
  questions: readonly FileQuestion[],
  onRead?: (path: string, text: string) => void,
): string {
  const hash = createHash("sha256");
  for (const question of questions) {
    const answered = answer(files, question);
    if (onRead && "read" in question && typeof answered === "string") onRead(question.read, answered);
    hashAnswer(hash, question, answered);
  }
  return hash.digest("hex");
}

/**
 * `base`, keeping every distinct question asked of it, in order, with the answer it got (asked
 * again, the same answer): a deterministic run (rendering) that gets the same answers to the same
 * questions again has read the same inputs, and so gives the same result. `digest()` is
 * answersDigest of those answers.
 */
export function tracingFiles(base: SourceFiles): {
  files: SourceFiles;
  questions(): FileQuestion[];
  digest(): string;
} {
  const answered = new Map<string, readonly [FileQuestion, Answer]>();
  const ask = (key: string, question: FileQuestion): Answer => {
    let known = answered.get(key);
    if (!known) answered.set(key, (known = [question, answer(base, question)]));
    return known[1];
  };
  return {
    files: {
      read: (path) => ask(`read ${path}`, { read: path }) as string | undefined,
      listFiles: (dir) => [...(ask(`listFiles ${dir}`, { listFiles: dir }) as string[])],
      listDirs: (dir) => [...(ask(`listDirs ${dir}`, { listDirs: dir }) as string[])],
      // Not a question of the trace: asked only after a read found nothing, on the way to an error.
      nonFileAt: (path) => base.nonFileAt(path),
    },
    questions: () => [...answered.values()].map(([question]) => question),
    digest: () => digestOf(answered.values()),
  };
}
