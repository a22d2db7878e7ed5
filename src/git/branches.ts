import type { Git } from "./git.ts";

/** Branches and their remote-tracking branches: what promotion, status and history read of them. */

export const branchRef = (branch: string) => `refs/heads/${branch}`;

/** What we know about one branch, locally and on the remote. */
export interface BranchState {
  name: string;
  /** The local branch's commit; undefined when there is no local branch. */
  local: string | undefined;
  /** The remote-tracking branch's commit (after fetching); undefined when the remote has none. */
  remote: string | undefined;
  /** Commits only on the local branch, and only on the remote one. */
  ahead: number;
  behind: number;
}

/**
 * Commits only on `local` and only on `tracking`. Both are commit ids or full ref names: a short
 * branch name could resolve to a tag or a remote of the same name.
 */
export async function aheadBehind(
  git: Git,
  local: string,
  tracking: string,
): Promise<{ ahead: number; behind: number }> {
  const [ahead, behind] = (await git.run(["rev-list", "--left-right", "--count", `${local}...${tracking}`, "--"]))
    .trim()
    .split(/\s+/)
    .map(Number);
  return { ahead: ahead ?? 0, behind: behind ?? 0 };
}

export async function branchState(git: Git, name: string, remote: string | undefined): Promise<BranchState> {
  const local = await git.commit(branchRef(name));
  const tracking = remote ? await git.commit(`refs/remotes/${remote}/${name}`) : undefined;
  if (!local || !tracking) return { name, local, remote: tracking, ahead: 0, behind: 0 };
  return { name, local, remote: tracking, ...(await aheadBehind(git, local, tracking)) };
}
