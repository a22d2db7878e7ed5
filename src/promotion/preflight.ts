import type { BranchState } from "../git/branches.ts";
import type { Problem } from "../errors.ts";

export interface CommitSummary {
  commit: string;
  subject: string;
}

/** One reason to refuse, and the command that fixes it. */
export interface Refusal {
  reason: string;
  fix: string;
}

export function refusalProblems(refusals: readonly Refusal[]): Problem[] {
  return refusals.map((refusal) => ({ message: `${refusal.reason}\n    fix: ${refusal.fix}` }));
}

export function cleanTreeRefusals(unclean: readonly string[]): Refusal[] {
  if (unclean.length === 0) return [];
  const shown = unclean.slice(0, 5).join(", ") + (unclean.length > 5 ? `, … (${unclean.length} in all)` : "");
  return [
    {
      reason: `the work tree has uncommitted changes (${shown})`,
      fix: "git stash --include-untracked   # or commit them",
    },
  ];
}

/**
 * A branch must exist locally and match its remote-tracking branch, so a promotion never builds on
 * stale or unpublished commits. `mayBeMissing`: the promotion may create it.
 */
export function branchRefusals(branch: BranchState, remote: string | undefined, mayBeMissing = false): Refusal[] {
  const name = branch.name;
  const tracking = `${remote}/${name}`;
  if (branch.local === undefined) {
    if (branch.remote !== undefined)
      return [{ reason: `${name} exists on ${remote} but not locally`, fix: `git branch --track ${name} ${tracking}` }];
    return mayBeMissing
      ? []
      : [
          {
            reason: `there is no branch ${name}`,
            fix: `git fetch${remote ? ` ${remote}` : ""}   # or check the branch name`,
          },
        ];
  }
  if (remote === undefined) return [];
  if (branch.remote === undefined)
    return [{ reason: `${name} is not on ${remote}`, fix: `git push --set-upstream ${remote} ${name}` }];
  if (branch.ahead > 0 && branch.behind > 0) {
    return [
      {
        reason: `${name} and ${tracking} have diverged (${branch.ahead} local and ${branch.behind} remote commits): someone else changed ${name}, or one side was rewritten`,
        fix: `git log --graph --oneline ${name} ${tracking}   # then: git switch ${name} && git rebase --rebase-merges ${tracking}`,
      },
    ];
  }
  if (branch.ahead > 0)
    return [
      { reason: `${name} has ${branch.ahead} commit(s) not pushed to ${remote}`, fix: `git push ${remote} ${name}` },
    ];
  if (branch.behind > 0)
    return [
      {
        reason: `${name} is ${branch.behind} commit(s) behind ${tracking}`,
        fix: `git fetch ${remote} ${name}:${name}   # or: git switch ${name} && git merge --ff-only ${tracking}`,
      },
    ];
  return [];
}

/**
 * clusters/ does not match the values on `what`: a branch, whose fix is to regenerate there, or a
 * commit a command would make (e.g. "main with the revert"), which names its own `fix`: the
 * commands that make that commit by hand with clusters/ regenerated.
 */
export function staleGenerateRefusals(
  what: string,
  staleFiles: readonly string[],
  fix = `git switch ${what} && npx jore4-flux generate && git commit -am "Regenerate clusters"`,
): Refusal[] {
  if (staleFiles.length === 0) return [];
  return [
    {
      reason: `generate --check fails on ${what}: ${staleFiles.length} file(s) in clusters/ do not match the values (${staleFiles.slice(0, 3).join(", ")}${staleFiles.length > 3 ? ", …" : ""})`,
      fix,
    },
  ];
}

/**
 * Commits the target holds that the source lacks (promotion merges aside) are hotfixes that were
 * not carried back: promoting would bury them. They belong on the main branch first.
 */
export function unportedRefusals(input: {
  from: string;
  to: string;
  mainBranch: string;
  commits: readonly CommitSummary[];
  promotePath: readonly string[];
}): Refusal[] {
  if (input.commits.length === 0) return [];
  const list = input.commits.map((commit) => `${commit.commit.slice(0, 12)} ${commit.subject}`).join("; ");
  const shas = input.commits.map((commit) => commit.commit.slice(0, 12)).join(" ");
  return [
    {
      reason: `${input.to} has ${input.commits.length} commit(s) that ${input.from} lacks (a hotfix not back-ported?): ${list}`,
      fix: [`git switch ${input.mainBranch} && git cherry-pick -x ${shas}`, ...input.promotePath].join(" && "),
    },
  ];
}
