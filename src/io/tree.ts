import {
  accessSync,
  closeSync,
  constants,
  cpSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { dirname, join, relative } from "node:path";
import { ExitCode, Jore4FluxError } from "../errors.ts";

/** Every name this module leaves in a folder while it works starts with this (git-ignored). */
export const workPrefix = ".jore4-flux-";

/** Writes each file through a temporary sibling and a rename, so no file is ever half-written. */
export function writeFiles(root: string, files: readonly { path: string; text: string }[]): void {
  for (const file of files) {
    const full = join(root, file.path);
    const temporary = join(dirname(full), `${workPrefix}${process.pid}-${Math.random().toString(36).slice(2)}`);
    try {
      mkdirSync(dirname(full), { recursive: true });
      writeFileSync(temporary, file.text);
      renameSync(temporary, full);
    } catch (error) {
      if (existsSync(temporary)) rmSync(temporary, { force: true });
      throw fileSystemError(file.path, error);
    }
  }
}

/** A failed write of `path` as one line, exit 3: the system's reason in words where it is a common one. */
export function fileSystemError(path: string, error: unknown): Jore4FluxError {
  const code = (error as NodeJS.ErrnoException).code;
  const reason =
    code === "EACCES" || code === "EPERM"
      ? "permission denied"
      : code === "EISDIR"
        ? "a folder is in the way of a file"
        : code === "ENOTDIR" || code === "EEXIST"
          ? "a file is in the way of a folder"
          : code === "ENOSPC"
            ? "no space left on the device"
            : ((error as Error).message ?? String(error));
  return new Jore4FluxError(`cannot write ${path}: ${reason}`, { exitCode: ExitCode.failed });
}

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** Whether a process of this machine runs (one this user may not signal runs too). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** How long a run waits for another one that holds the lock before it refuses. */
export const lockWaitSeconds = 10;

/**
 * Runs `work` holding `<dir>/.jore4-flux-lock` (created exclusively, holding the pid). Another
 * live run's lock is waited for, up to `lockWaitSeconds`, then refused; a killed run's is taken over.
 */
export function withLock<T>(root: string, dir: string, work: () => T, progress: (line: string) => void): T {
  mkdirSync(join(root, dir), { recursive: true });
  const lock = join(root, dir, `${workPrefix}lock`);
  const deadline = Date.now() + lockWaitSeconds * 1000;
  let said = false;
  for (;;) {
    try {
      const fd = openSync(lock, "wx");
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw fileSystemError(`${dir}/${workPrefix}lock`, error);
    }
    const holder = Number.parseInt(readFileSync(lock, { encoding: "utf8", flag: "a+" }), 10);
    if (!Number.isInteger(holder) || holder === process.pid || !isRunning(holder)) {
      // A run that was killed (or a lock not fully written): take it over.
      rmSync(lock, { force: true });
      continue;
    }
    if (Date.now() > deadline)
      throw new Jore4FluxError(
        `another jore4-flux run (pid ${holder}) is writing ${dir}/; waited ${lockWaitSeconds} s for it`,
        { exitCode: ExitCode.refused, hint: `wait for it to finish, or stop process ${holder}` },
      );
    if (!said) progress(`waiting for another jore4-flux run (pid ${holder}) writing ${dir}/ …`);
    said = true;
    sleep(100);
  }
  try {
    return work();
  } finally {
    rmSync(lock, { force: true });
  }
}

const newName = (stage: string) => `${workPrefix}new-${stage}`;
const oldName = (stage: string) => `${workPrefix}old-${stage}`;

/**
 * For the kill tests only: `hold` = `<stage>:<step>` (from JORE4_FLUX_TEST_HOLD) stops the run
 * there, for at most ten minutes, so that a test can kill it at a known point.
 */
function holdPoint(hold: string | undefined, stage: string, step: "built" | "moved-out", progress: Progress): void {
  if (hold !== `${stage}:${step}`) return;
  progress(`held at ${stage}:${step}`);
  for (let second = 0; second < 600; second++) sleep(1000);
}

type Progress = (line: string) => void;

/**
 * Undoes what a killed run left in `dir` (call holding the lock): a stage folder moved aside but
 * not replaced is moved back (wholly old), half-built new folders and temporary files are removed.
 */
export function cleanLeftovers(root: string, dir: string): void {
  const full = join(root, dir);
  if (!existsSync(full)) return;
  for (const name of readdirSync(full)) {
    if (!name.startsWith(workPrefix) || name === `${workPrefix}lock`) continue;
    const stage = name.startsWith(oldName("")) ? name.slice(oldName("").length) : undefined;
    if (stage !== undefined && !existsSync(join(full, stage))) renameSync(join(full, name), join(full, stage));
    else rmSync(join(full, name), { recursive: true, force: true });
  }
  for (const stage of readdirSync(full)) {
    const stageDir = join(full, stage);
    if (!statSync(stageDir).isDirectory()) continue;
    for (const name of readdirSync(stageDir, { recursive: true }).map(String)) {
      if ((name.split("/").pop() ?? "").startsWith(workPrefix))
        rmSync(join(stageDir, name), { recursive: true, force: true });
    }
  }
}

export interface StageChange {
  /** Paths relative to the repository root, below `<dir>/<stage>/`. */
  writes: { path: string; text: string }[];
  removals: string[];
}

/**
 * Replaces each changed stage folder whole: its new content is built in a sibling folder (a copy
 * of the current one with the changes applied), then swapped in with two renames. A failure or a
 * kill leaves every stage folder wholly old or wholly new (see `cleanLeftovers` for the next run).
 */
export function replaceStageFolders(
  root: string,
  dir: string,
  changes: ReadonlyMap<string, StageChange>,
  options: { hold?: string | undefined; progress: Progress },
): void {
  const full = join(root, dir);
  for (const change of changes.values()) {
    for (const write of change.writes) {
      const target = join(root, write.path);
      if (existsSync(target) && statSync(target).isDirectory())
        throw new Jore4FluxError(`cannot write ${write.path}: a folder is in the way of the generated file`, {
          exitCode: ExitCode.failed,
          hint: `move ${write.path}/ away; nothing was written`,
        });
    }
  }
  for (const stage of changes.keys()) {
    const unwritable = firstUnwritableFolder(join(full, stage));
    if (unwritable !== undefined)
      throw new Jore4FluxError(`cannot write ${relative(root, unwritable)}/: permission denied`, {
        exitCode: ExitCode.failed,
        hint: `make it writable (chmod -R u+w ${relative(root, unwritable)}); nothing was written`,
      });
  }
  const done: string[] = [];
  for (const [stage, change] of changes) {
    const current = join(full, stage);
    const building = join(full, newName(stage));
    try {
      rmSync(building, { recursive: true, force: true });
      if (existsSync(current)) cpSync(current, building, { recursive: true, verbatimSymlinks: true });
      else mkdirSync(building, { recursive: true });
      const inBuilding = (path: string) => join(building, path.slice(`${dir}/${stage}/`.length));
      for (const write of change.writes) {
        mkdirSync(dirname(inBuilding(write.path)), { recursive: true });
        writeFileSync(inBuilding(write.path), write.text);
      }
      for (const path of change.removals) {
        unlinkSync(inBuilding(path));
        for (let at = dirname(inBuilding(path)); at !== building && readdirSync(at).length === 0; at = dirname(at))
          rmSync(at, { recursive: true });
      }
    } catch (error) {
      try {
        rmSync(building, { recursive: true, force: true });
      } catch {
        // left for the next run's cleanLeftovers
      }
      const failure = fileSystemError(`${dir}/${stage}/`, error);
      throw new Jore4FluxError(failure.message, {
        exitCode: failure.exitCode,
        hint: `${dir}/${stage}/ is unchanged; ${done.length > 0 ? `already replaced: ${done.join(", ")}` : "no stage folder was changed"}`,
      });
    }
    holdPoint(options.hold, stage, "built", options.progress);
    const empty = readdirSync(building).length === 0;
    if (existsSync(current)) renameSync(current, join(full, oldName(stage)));
    holdPoint(options.hold, stage, "moved-out", options.progress);
    if (empty) rmSync(building, { recursive: true });
    else renameSync(building, current);
    rmSync(join(full, oldName(stage)), { recursive: true, force: true });
    done.push(stage);
  }
}

/**
 * The first folder at or below `dir` this process may not change: the old stage folder is removed
 * after the new one is swapped in, which needs every one of its folders writable.
 */
function firstUnwritableFolder(dir: string): string | undefined {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return undefined;
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch {
    return dir;
  }
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const found = entry.isDirectory() ? firstUnwritableFolder(join(dir, entry.name)) : undefined;
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Removes files, and the folders that removal leaves empty (up to, not including, `stopAt`). */
export function removeFiles(root: string, paths: readonly string[], stopAt: string): void {
  const boundary = join(root, stopAt);
  for (const path of paths) {
    const full = join(root, path);
    unlinkSync(full);
    for (let dir = dirname(full); dir.startsWith(boundary) && dir !== boundary; dir = dirname(dir)) {
      if (readdirSync(dir).length > 0) break;
      rmSync(dir, { recursive: true });
    }
  }
}
