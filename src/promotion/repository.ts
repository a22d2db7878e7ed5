import { planProject } from "../generate/generate.ts";
import { ExitCode, Jore4FluxError } from "../errors.ts";
import type { Git } from "../git/git.ts";
import { trailerKeys } from "./message.ts";
import type { CommitSummary } from "./preflight.ts";

/**
 * Reading the repository's state for the planners, and moving branches safely: the shell around
 * the pure promotion logic. Nothing here decides; it gathers facts and carries out plans.
 */

/** The remote stage branches are published to: `origin`, or the only remote there is. */
export async function remoteFor(git: Git): Promise<string | undefined> {
  const remotes = await git.remotes();
  return remotes.includes("origin") ? "origin" : remotes.length === 1 ? remotes[0] : undefined;
}

export async function fetchRemote(git: Git, remote: string): Promise<void> {
  await git.run(["fetch", "--quiet", "--prune", remote]);
}

/**
 * Non-merge commits on `target` with no equivalent on `source`: neither the same patch nor a
 * `cherry-pick -x` copy. These are hotfixes a promotion would bury.
 */
export async function commitsMissingFrom(git: Git, source: string, target: string): Promise<CommitSummary[]> {
  // Empty promotion commits (nothing to merge) are records, not changes: their trailer says so.
  const candidates = (
    await git.run([
      "log",
      "--cherry-pick",
      "--right-only",
      "--no-merges",
      `--format=%H%x00%s%x00%(trailers:key=${trailerKeys.promotedTo},valueonly)%x00%(trailers:key=${trailerKeys.rollbackOf},valueonly)%x01`,
      `${source}...${target}`,
      "--",
    ])
  )
    // One record per commit, ended by \x01: a trailer's value ends in a newline of its own.
    .split("\x01")
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => entry.split("\x00") as [string, string, string, string | undefined])
    .filter(([, , promotedTo]) => promotedTo === undefined || promotedTo.trim() === "");
  // A revert of a promotion on the stage (`promote --rollback-on-failure`) undoes what came from
  // the source; it is no hotfix to back-port.
  const undone = await Promise.all(
    candidates.map(async ([, , , rollbackOf]) =>
      rollbackOf?.trim()
        ? (
            await git.attempt([
              "log",
              "-1",
              `--format=%(trailers:key=${trailerKeys.promotedTo},valueonly)`,
              rollbackOf.trim(),
            ])
          ).stdout.trim() !== ""
        : false,
    ),
  );
  const changes = candidates.filter((_, index) => !undone[index]);
  if (changes.length === 0) return [];
  const copied = await git.run(["log", "--format=%b", "--grep=cherry picked from commit", source, "--"]);
  const copiedFrom = new Set(
    [...copied.matchAll(/cherry picked from commit ([0-9a-f]{40})/g)].map((match) => match[1]!),
  );
  return changes.filter(([commit]) => !copiedFrom.has(commit)).map(([commit, subject]) => ({ commit, subject }));
}

/** Generated files that `generate --check` reports stale in a work tree. */
export function staleGeneratedFiles(root: string): string[] {
  const { plan } = planProject(root);
  return [...plan.writes.map((write) => write.path), ...plan.removals.map((file) => file.path)];
}

/** `generate --check` at a commit, run in a temporary work tree (the user's stays untouched). */
export async function staleGeneratedFilesAt(git: Git, commit: string): Promise<string[]> {
  return git.inTemporaryWorktree(commit, async (worktree) => staleGeneratedFiles(worktree.cwd));
}

/** The text of every file below `dir` in a commit or tree. */
export async function filesTextAt(git: Git, rev: string, dir: string): Promise<Map<string, string>> {
  const blobs = await git.filesAt(rev, dir);
  const texts = await git.readObjects([...blobs.values()]);
  return new Map([...blobs].map(([path, blob]) => [path, texts.get(blob) ?? ""]));
}

/** The tree a merge of `source` into `target` would produce, computed without touching any work tree. */
export async function mergedTree(
  git: Git,
  target: string,
  source: string,
): Promise<{ tree: string; conflicts: string[] }> {
  const result = await git.attempt(["merge-tree", "--write-tree", "--name-only", "--no-messages", target, source]);
  const [tree, ...rest] = result.stdout.split("\n").filter(Boolean);
  if (result.exitCode === 0) return { tree: tree!, conflicts: [] };
  if (result.exitCode === 1) return { tree: tree!, conflicts: rest };
  throw new Jore4FluxError(`git merge-tree failed: ${result.stderr.trim()}`, { exitCode: ExitCode.failed });
}
