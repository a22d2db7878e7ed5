import type { ProjectConfig } from "../config/project.ts";
import { confirm, progress, type Context } from "../context.ts";
import { ExitCode, Jore4FluxError } from "../errors.ts";
import type { Git } from "../git/git.ts";
import { imageChanges, imagesInManifests } from "./images.ts";
import { hotfixMessage } from "./message.ts";
import { finalStage } from "./order.ts";
import { branchRefusals, cleanTreeRefusals, staleGenerateRefusals } from "./preflight.ts";
import { refuse, requireRemoteForPush } from "./promote.ts";
import {
  branchRef,
  branchState,
  fetchRemote,
  filesTextAt,
  moveBranches,
  pushOrRestore,
  remoteFor,
  snapshotRefs,
  staleGeneratedFiles,
} from "./repository.ts";

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
  const remote = await remoteFor(git);
  if (remote && options.fetch) await fetchRemote(git, remote);
  const state = await branchState(git, prod.branch, remote);
  const refusals = [...cleanTreeRefusals(await git.uncleanPaths()), ...branchRefusals(state, remote)];
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
  const remote = await remoteFor(git);
  requireRemoteForPush(options.push, remote);
  if (remote && options.fetch) await fetchRemote(git, remote);
  const fix = await git.commit(branchRef(branch));
  if (!fix)
    throw new Jore4FluxError(`there is no branch ${branch}`, {
      exitCode: ExitCode.invalid,
      hint: `jore4-flux hotfix start ${branch.slice(hotfixPrefix.length)}`,
    });
  const prodState = await branchState(git, prod.branch, remote);
  const mainState = await branchState(git, main, remote);
  const refusals = [
    ...cleanTreeRefusals(await git.uncleanPaths()),
    ...branchRefusals(prodState, remote),
    ...branchRefusals(mainState, remote),
  ];
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

  const snapshot = await snapshotRefs(git);
  const dir = `${config.paths.clusters}/${prod.name}`;
  const stageCommit = await git.inTemporaryWorktree(prodState.local!, async (worktree) => {
    const before = imagesInManifests(await filesTextAt(worktree, prodState.local!, dir));
    const after = imagesInManifests(await filesTextAt(worktree, fix, dir));
    const message = hotfixMessage({
      name: branch.slice(hotfixPrefix.length),
      branch,
      toBranch: prod.branch,
      toStage: prod.name,
      sourceCommit: fix,
      targetCommit: prodState.local!,
      changes: imageChanges(before, after),
    });
    const merged = await worktree.attempt(["merge", "--no-ff", "--quiet", "-m", message, fix]);
    if (merged.exitCode !== 0) {
      await worktree.attempt(["merge", "--abort"]);
      throw new Jore4FluxError(
        `merging ${branch} into ${prod.branch} failed: ${(merged.stderr || merged.stdout).trim()}; nothing was changed`,
        {
          exitCode: ExitCode.failed,
          hint: `git switch ${branch} && git merge ${prod.branch}   # resolve, commit, then finish again`,
        },
      );
    }
    const stale = staleGeneratedFiles(worktree.cwd);
    if (stale.length > 0)
      throw refuse(`cannot finish ${branch}; nothing was changed`, staleGenerateRefusals(branch, stale));
    return (await worktree.commit("HEAD"))!;
  });
  const mainCommit = await git.inTemporaryWorktree(mainState.local!, async (worktree) => {
    const picked = await worktree.attempt(["cherry-pick", "-x", ...commits]);
    if (picked.exitCode !== 0) {
      await worktree.attempt(["cherry-pick", "--abort"]);
      throw new Jore4FluxError(
        `the hotfix does not apply cleanly to ${main}: ${(picked.stderr || picked.stdout).trim().split("\n")[0]}; nothing was changed (${prod.branch} and ${main} are as they were)`,
        {
          exitCode: ExitCode.failed,
          hint: `back-port by hand, then merge the hotfix:\n  git switch ${main} && git cherry-pick -x ${commits.map((commit) => commit.slice(0, 12)).join(" ")}   # resolve, run jore4-flux generate, git cherry-pick --continue\n  git switch ${prod.branch} && git merge --no-ff ${branch}`,
        },
      );
    }
    const stale = staleGeneratedFiles(worktree.cwd);
    if (stale.length > 0)
      throw refuse(
        `cannot finish ${branch}; nothing was changed`,
        staleGenerateRefusals(`${main} with the hotfix`, stale),
      );
    return (await worktree.commit("HEAD"))!;
  });
  const moves = [
    { branch: prod.branch, from: prodState.local, to: stageCommit },
    { branch: main, from: mainState.local, to: mainCommit },
  ];
  await moveBranches(git, moves, `jore4-flux: hotfix ${branch}`);
  progress(
    options.context,
    `${prod.branch} is now ${stageCommit.slice(0, 12)}; ${main} is now ${mainCommit.slice(0, 12)} (${commits.length} commit(s) cherry-picked with -x)`,
  );
  if (options.push && remote) await pushOrRestore(git, remote, moves, snapshot);
  return { branch, stageCommit, mainCommit, backported: commits, pushed: Boolean(options.push && remote) };
}
