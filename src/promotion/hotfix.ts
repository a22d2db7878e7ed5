import type { ProjectConfig } from "../config/project.ts";
import { confirm, progress, type Context } from "../context.ts";
import { ExitCode, Jore4FluxError } from "../errors.ts";
import type { Git } from "../git/git.ts";
import { imageChanges, imagesInManifests } from "./images.ts";
import { hotfixMessage } from "./message.ts";
import { finalStage } from "./order.ts";
import { branchRef, branchState } from "../git/branches.ts";
import { filesTextAt } from "./repository.ts";
import { isoSeconds, recordOf } from "../evidence/model.ts";
import { writeRecord } from "../evidence/notes.ts";
import { promoter } from "../evidence/promotion.ts";
import { closeTransaction, commitInWorktree, openTransaction, refuse, treeAndBranchRefusals } from "./transaction.ts";

export const hotfixPrefix = "hotfix/";

const validName = /^[a-z0-9][a-z0-9._-]*$/;

function hotfixBranch(name: string): string {
  const bare = name.startsWith(hotfixPrefix) ? name.slice(hotfixPrefix.length) : name;
  if (!validName.test(bare))
    throw new Jore4FluxError(`hotfix name '${bare}' must be lower-case letters, digits, '.', '_' or '-'`, {
      exitCode: ExitCode.invalid,
    });
  return `${hotfixPrefix}${bare}`;
}

/** Creates `hotfix/<name>` from the production stage's branch and switches to it. */
export async function startHotfix(
  git: Git,
  config: ProjectConfig,
  name: string,
  options: { fetch: boolean; context: Context; yes?: boolean },
): Promise<{ branch: string; base: string }> {
  const branch = hotfixBranch(name);
  const prod = finalStage(config);
  const remote = await openTransaction(options.context, git, { fetch: options.fetch });
  const state = await branchState(git, prod.branch, remote);
  const refusals = await treeAndBranchRefusals(git, remote, [{ state }]);
  if (await git.commit(branchRef(branch)))
    refusals.push({
      reason: `${branch} exists already`,
      fix: `git switch ${branch}   # continue it, or pick another name`,
    });
  if (refusals.length > 0) throw refuse(`cannot start hotfix ${branch}`, refusals);
  await git.run(["switch", "--quiet", "--create", branch, state.local!]);
  progress(
    options.context,
    `on ${branch} (from ${prod.branch} ${state.local!.slice(0, 12)}): commit the fix (e.g. jore4-flux set-image …), then run jore4-flux hotfix finish`,
  );
  return { branch, base: state.local! };
}

export interface HotfixResult {
  branch: string;
  stageCommit: string;
  mainCommit: string;
  backported: string[];
  pushed: boolean;
}

/**
 * Merges the hotfix branch into the production branch and cherry-picks its commits to the main
 * branch with `-x`, both or neither: a conflict leaves every branch as it was.
 */
export async function finishHotfix(
  git: Git,
  config: ProjectConfig,
  name: string | undefined,
  options: { push: boolean; fetch: boolean; context: Context; yes?: boolean },
): Promise<HotfixResult> {
  const current = await git.currentBranch();
  const given = name ?? (current?.startsWith(hotfixPrefix) ? current : undefined);
  if (!given)
    throw new Jore4FluxError("which hotfix? name it, or run this on its hotfix/<name> branch", {
      exitCode: ExitCode.invalid,
    });
  const branch = hotfixBranch(given);
  const prod = finalStage(config);
  const main = config.repository.mainBranch;
  const remote = await openTransaction(options.context, git, options);
  const fix = await git.commit(branchRef(branch));
  if (!fix)
    throw new Jore4FluxError(`there is no branch ${branch}`, {
      exitCode: ExitCode.invalid,
      hint: `jore4-flux hotfix start ${branch.slice(hotfixPrefix.length)}`,
    });
  const prodState = await branchState(git, prod.branch, remote);
  const mainState = await branchState(git, main, remote);
  const refusals = await treeAndBranchRefusals(git, remote, [{ state: prodState }, { state: mainState }]);
  const commits = prodState.local
    ? (await git.run(["rev-list", "--reverse", "--no-merges", `${prodState.local}..${fix}`]))
        .split("\n")
        .filter(Boolean)
    : [];
  if (prodState.local && commits.length === 0)
    refusals.push({
      reason: `${branch} has no commits that ${prod.branch} lacks`,
      fix: `git switch ${branch} && git commit …   # commit the fix first`,
    });
  if (refusals.length > 0) throw refuse(`cannot finish ${branch}`, refusals);
  if (
    prod.confirm &&
    !(await confirm(
      options.context,
      `merge ${branch} (${commits.length} commit(s)) into ${prod.branch} and back-port it to ${main}?`,
      options.yes,
    ))
  ) {
    throw new Jore4FluxError(`not confirmed: ${prod.branch} was not changed`, { exitCode: ExitCode.refused });
  }

  const dir = `${config.paths.clusters}/${prod.name}`;
  const before = imagesInManifests(await filesTextAt(git, prodState.local!, dir));
  const after = imagesInManifests(await filesTextAt(git, fix, dir));
  const message = hotfixMessage({
    name: branch.slice(hotfixPrefix.length),
    branch,
    toBranch: prod.branch,
    toStage: prod.name,
    sourceCommit: fix,
    targetCommit: prodState.local!,
    changes: imageChanges(before, after),
  });
  const refused = `cannot finish ${branch}; nothing was changed`;
  const stageCommit = await commitInWorktree(
    git,
    prodState.local!,
    [
      {
        args: ["merge", "--no-ff", "--quiet", "-m", message, fix],
        abort: ["merge", "--abort"],
        failure: (merged) =>
          new Jore4FluxError(
            `merging ${branch} into ${prod.branch} failed: ${(merged.stderr || merged.stdout).trim()}; nothing was changed`,
            {
              exitCode: ExitCode.failed,
              hint: `git switch ${branch} && git merge ${prod.branch}   # resolve, commit, then finish again`,
            },
          ),
      },
    ],
    { summary: refused, what: branch },
  );
  const mainCommit = await commitInWorktree(
    git,
    mainState.local!,
    [
      {
        args: ["cherry-pick", "-x", ...commits],
        abort: ["cherry-pick", "--abort"],
        failure: (picked) =>
          new Jore4FluxError(
            `the hotfix does not apply cleanly to ${main}: ${(picked.stderr || picked.stdout).trim().split("\n")[0]}; nothing was changed (${prod.branch} and ${main} are as they were)`,
            {
              exitCode: ExitCode.failed,
              hint: `back-port by hand, then merge the hotfix:\n  git switch ${main} && git cherry-pick -x ${commits.map((commit) => commit.slice(0, 12)).join(" ")}   # resolve, run jore4-flux generate, git cherry-pick --continue\n  git switch ${prod.branch} && git merge --no-ff ${branch}`,
            },
          ),
      },
    ],
    {
      summary: refused,
      what: `${main} with the hotfix`,
      fix: `git switch ${main} && git cherry-pick -x ${commits.map((commit) => commit.slice(0, 12)).join(" ")} && npx jore4-flux generate && git add --all && git commit -m "Regenerate clusters" && git switch ${prod.branch} && git merge --no-ff ${branch}`,
    },
  );
  const pushed = await closeTransaction(options.context, git, {
    remote,
    push: options.push,
    moves: [
      { branch: prod.branch, from: prodState.local, to: stageCommit },
      { branch: main, from: mainState.local, to: mainCommit },
    ],
    reason: `jore4-flux: hotfix ${branch}`,
    done: `${prod.branch} is now ${stageCommit.slice(0, 12)}; ${main} is now ${mainCommit.slice(0, 12)} (${commits.length} commit(s) cherry-picked with -x)`,
  });
  // Recorded as `promote` records a pushed promotion (src/evidence/promotion.ts): the merge is
  // the stage's new head, promoted from the hotfix branch; no gate holds a hotfix up.
  if (pushed) {
    const at = isoSeconds(options.context.now());
    const details = { by: await promoter(git), from: branch, source: fix, strategy: "merge", gate: "ungated" };
    await writeRecord(
      git,
      recordOf([
        { commit: stageCommit, event: { stage: prod.name, kind: "promoted", at, details } },
        { commit: stageCommit, event: { stage: prod.name, kind: "pushed", at } },
      ]),
      { remote, push: true },
    );
  }
  return { branch, stageCommit, mainCommit, backported: commits, pushed };
}
