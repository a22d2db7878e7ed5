import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { branchState } from "../../src/git/branches.ts";
import { Git } from "../../src/git/git.ts";
import { buildHistory } from "../../src/history/build.ts";
import { readHistoryInput } from "../../src/history/read.ts";
import { diskFiles } from "../../src/io/source-files.ts";
import { loadProjectConfig } from "../../src/config/load.ts";
import { testContext } from "../support/cli.ts";
import { createStageRepo, git, type StageRepo } from "../support/stage-repo.ts";

let repo: StageRepo;

before(async () => {
  repo = await createStageRepo();
  await git(repo.root, "push", "--quiet", "origin", "main:refs/heads/dev");
  await git(repo.root, "fetch", "--quiet", "origin");
  await git(repo.root, "branch", "--quiet", "--track", "dev", "origin/dev");
  // A tag named like the stage branch, where the remote branch is, and one local commit past it.
  await git(repo.root, "tag", "dev", "origin/dev");
  await git(repo.root, "commit", "--quiet", "--allow-empty", "-m", "not pushed");
  await git(repo.root, "push", "--quiet", ".", "HEAD:refs/heads/dev");
});

after(() => repo.cleanup());

test("history and status count a stage branch's unpushed commits alike, also when a tag has the branch's name", async () => {
  const gitRepo = new Git(testContext().run, repo.root);
  const { config } = loadProjectConfig(diskFiles(repo.root));
  const { input } = await readHistoryInput(gitRepo, config, "origin");
  const state = await branchState(gitRepo, "dev", "origin");
  assert.deepEqual({ ahead: state.ahead, behind: state.behind }, { ahead: 1, behind: 0 });
  const remote = input.remotes.find((read) => read.branch === "dev")!;
  assert.deepEqual({ ahead: remote.ahead, behind: remote.behind }, { ahead: state.ahead, behind: state.behind });
  assert.ok(
    buildHistory(input).warnings.some(
      (warning) =>
        warning.stage === "dev" &&
        warning.message === "1 commit(s) on dev are not pushed to origin: they did not deploy",
    ),
  );
});
