import {
  chmodSync,
  chownSync,
  lstatSync,
  mkdirSync,
  readlinkSync,
  renameSync,
  rmSync,
  writeFileSync,
  type Stats,
} from "node:fs";
import { dirname, join, resolve } from "node:path";
import { ExitCode, fileSystemError, Jore4FluxError } from "../errors.ts";
import { nonFileKind } from "./source-files.ts";
import { workPrefix } from "./tree.ts";
import { ownPid, runsAsRoot } from "../process-context.ts";

/** Links followed to find the file a path names, as the kernel's own limit (ELOOP beyond it). */
const maxLinks = 40;

/** Where a file the user named is written: the end of its chain of symbolic links, and that file's status when it exists. */
export interface OutputTarget {
  path: string;
  existing: Stats | undefined;
}

const lstatOf = (path: string): Stats | undefined => {
  try {
    return lstatSync(path, { throwIfNoEntry: false });
  } catch {
    return undefined; // a file where a folder was expected: the write says so
  }
};

/**
 * The file `path` leads to, through its symbolic links (a dangling link leads to the file it
 * would create). Anything there but a regular file (a folder, FIFO, socket, device) is refused:
 * exit 2, one line naming `shownAs`, nothing opened (so a FIFO cannot block).
 */
export function outputTarget(path: string, shownAs: string): OutputTarget {
  let at = resolve(path);
  for (let links = 0; ; links++) {
    const existing = lstatOf(at);
    if (existing === undefined) return { path: at, existing };
    if (existing.isFile()) return { path: at, existing };
    if (!existing.isSymbolicLink())
      throw new Jore4FluxError(
        `cannot write ${shownAs}: ${at === resolve(path) ? "it" : at} is ${nonFileKind(existing)}, not a regular file`,
        { exitCode: ExitCode.invalid },
      );
    if (links === maxLinks)
      throw new Jore4FluxError(`cannot write ${shownAs}: more than ${maxLinks} symbolic links (a loop?)`, {
        exitCode: ExitCode.invalid,
      });
    at = resolve(dirname(at), readlinkSync(at));
  }
}

/**
 * The one writer of files the user names (history --html, toc, bundle --output): the file a symbolic link leads
 * to is written (the link stays), whole or not at all, through a temporary file in its own folder
 * and a rename, keeping its permissions (and, as root, its owner). What is not a regular file is
 * refused (outputTarget), so no rename ever replaces a device or a FIFO. A failed write (no
 * space, no permission) is exit 3 with one line; the target is then as it was.
 */
export function writeOutputFile(path: string, shownAs: string, content: string | Uint8Array): void {
  const target = outputTarget(path, shownAs);
  const folder = dirname(target.path);
  const temporary = join(folder, `${workPrefix}${ownPid}-${Math.random().toString(36).slice(2)}`);
  try {
    mkdirSync(folder, { recursive: true });
    writeFileSync(temporary, content, { flag: "wx" });
    if (target.existing) {
      chmodSync(temporary, target.existing.mode & 0o7777);
      if (runsAsRoot) chownSync(temporary, target.existing.uid, target.existing.gid);
    }
    // Looked at again just before the rename: what another process put there meanwhile is refused too.
    const now = lstatOf(target.path);
    if (now !== undefined && !now.isFile())
      throw new Jore4FluxError(`cannot write ${shownAs}: ${target.path} is ${nonFileKind(now)}, not a regular file`, {
        exitCode: ExitCode.invalid,
      });
    renameSync(temporary, target.path);
  } catch (error) {
    try {
      rmSync(temporary, { force: true });
    } catch {
      // Its folder could not be made: there is nothing to remove.
    }
    throw fileSystemError(shownAs, error, "write");
  }
}
