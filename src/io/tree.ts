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
import { ExitCode, fileSystemError, Jore4FluxError } from "../errors.ts";
import { isRunning, ownPid } from "../process-context.ts";

/** Every name this module leaves in a folder while it works starts with this (git-ignored). */
export const workPrefix = ".jore4-flux-";

/**
 * Puts `content` at `full` through a temporary sibling and a rename, so the file is never
 * half-written; the temporary file is removed when that fails (the error is thrown as it is).
 */
function replaceFile(full: string, content: string | Uint8Array): void {
  const temporary = join(dirname(full), `${workPrefix}${ownPid}-${Math.random().toString(36).slice(2)}`);
  try {
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(temporary, content);
    renameSync(temporary, full);
  } catch (error) {
    if (existsSync(temporary)) rmSync(temporary, { force: true });
    throw error;
  }
}

/** Writes each file through a temporary sibling and a rename, so no file is ever half-written. */
export function writeFiles(root: string, files: readonly { path: string; text: string | Uint8Array }[]): void {
  for (const file of files) {
    try {
      replaceFile(join(root, file.path), file.text);
    } catch (error) {
      throw fileSystemError(file.path, error, "write");
    }
  }
}

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** How long a run waits for another one that holds the lock before it refuses. */
export const lockWaitSeconds = 10;

/**
 * Runs `work` holding `<dir>/.jore4-flux-lock` (created exclusively, holding the pid). Another
 * live run's lock is waited for, up to `lockWaitSeconds`, then refused; a killed run's is taken over.
 */
export function withLock<T>(root: string, dir: string, work: () => T, progress: (line: string) => void): T {
  const lockPath = `${dir}/${workPrefix}lock`;
  try {
    mkdirSync(join(root, dir), { recursive: true });
  } catch (error) {
    throw fileSystemError(`${dir}/`, error, "write");
  }
  const lock = join(root, lockPath);
  const deadline = Date.now() + lockWaitSeconds * 1000;
  let said = false;
  for (;;) {
    try {
      const fd = openSync(lock, "wx");
      writeSync(fd, `${ownPid}\n`);
      closeSync(fd);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw fileSystemError(lockPath, error, "write");
    }
    let held: string;
    try {
      held = readFileSync(lock, { encoding: "utf8", flag: "a+" });
    } catch (error) {
      throw fileSystemError(lockPath, error, "write"); // a folder in its place (EISDIR)
    }
    const holder = Number.parseInt(held, 10);
    if (!Number.isInteger(holder) || holder === ownPid || !isRunning(holder)) {
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
 * Returns the stages moved back.
 */
export function cleanLeftovers(root: string, dir: string): string[] {
  const full = join(root, dir);
  if (!statSync(full, { throwIfNoEntry: false })?.isDirectory()) return []; // the plan's read names a file in its place
  const restored: string[] = [];
  try {
    for (const name of readdirSync(full)) {
      if (!name.startsWith(workPrefix) || name === `${workPrefix}lock`) continue;
      const stage = name.startsWith(oldName("")) ? name.slice(oldName("").length) : undefined;
      if (stage !== undefined && !existsSync(join(full, stage))) {
        renameSync(join(full, name), join(full, stage));
        restored.push(stage);
      } else rmSync(join(full, name), { recursive: true, force: true });
    }
    for (const stage of readdirSync(full)) {
      const stageDir = join(full, stage);
      if (!statSync(stageDir).isDirectory()) continue;
      for (const name of readdirSync(stageDir, { recursive: true }).map(String)) {
        if ((name.split("/").pop() ?? "").startsWith(workPrefix))
          rmSync(join(stageDir, name), { recursive: true, force: true });
      }
    }
  } catch (error) {
    throw fileSystemError(`${dir}/`, error, "write");
  }
  return restored;
}

/**
 * The stages of `dir` whose folder a run left moved aside (`.jore4-flux-old-<stage>`, nothing in
 * its place): what a reader finds only if a run was killed, or is now, between its two renames.
 */
export function movedAside(root: string, dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(join(root, dir));
  } catch {
    return []; // no folder, or a file in its place: the read that follows names it
  }
  const present = new Set(names);
  return names
    .filter((name) => name.startsWith(oldName("")))
    .map((name) => name.slice(oldName("").length))
    .filter((stage) => !present.has(stage));
}

/** Cleans what a killed run left in the output folders (holding the lock), saying which stage folders were moved back. */
export function cleanAll(root: string, outputDirs: readonly string[], progress: (line: string) => void): void {
  for (const dir of outputDirs)
    for (const stage of cleanLeftovers(root, dir))
      progress(
        `moved ${dir}/${oldName(stage)}/ back to ${dir}/${stage}/: a generate run was stopped between its two renames`,
      );
}

/**
 * Before the generated folders are read (check, build, generate --check): a stage folder that a
 * generate run stopped between its two renames left moved aside (replaceStageFolders) is moved back,
 * holding the lock (a live run is waited for), and said; then every stage folder is whole and in
 * place. Nothing is written otherwise: a listing of each output folder tells.
 */
export function restoreInterrupted(
  root: string,
  outputDirs: readonly string[],
  progress: (line: string) => void,
): void {
  if (outputDirs.every((dir) => movedAside(root, dir).length === 0)) return;
  withLock(root, outputDirs[0]!, () => cleanAll(root, outputDirs, progress), progress);
}

export interface StageChange {
  /** Paths relative to the repository root, below `<dir>/<stage>/`. */
  writes: { path: string; text: string }[];
  removals: string[];
}

/**
 * Replaces each changed stage folder whole: its new content is built in a sibling folder (a copy
 * of the current one with the changes applied), then swapped in with two renames.
 *
 * The invariant, at every instant: each `<dir>/<stage>/` is wholly old or wholly new, except
 * between the two renames, when it is absent and wholly old at `<dir>/.jore4-flux-old-<stage>`.
 * That moment cannot be taken away: a folder cannot be renamed over a folder that has files, and
 * Node has no atomic exchange of two folders (Linux's renameat2 RENAME_EXCHANGE). So a kill there
 * leaves the folder aside, and every reader of the generated folders (check, build, generate
 * --check, through restoreInterrupted) first moves it back holding the
 * lock, as the next writing run does (`cleanLeftovers`); a reader that comes while a live run is
 * between its renames waits for its lock, and then finds its stage folder in place.
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
        // A symbolic link copied from the stage folder is replaced, never written through.
        rmSync(inBuilding(write.path), { force: true });
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
      const failure = fileSystemError(`${dir}/${stage}/`, error, "write");
      if (!(failure instanceof Jore4FluxError)) throw failure;
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
