import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { Git } from "../../src/git/git.ts";
import { diskFiles } from "../../src/io/source-files.ts";
import type { DeploymentHistory } from "../../src/history/model.ts";
import { applyPromotion, planPromotion } from "../../src/promotion/promote.ts";
import { loadProjectConfig } from "../../src/config/load.ts";
import { testContext } from "../support/cli.ts";
import { createStageRepo, git, runCli, type StageRepo } from "../support/stage-repo.ts";

/** What git keeps of a hostile name: escapes and a carriage return (a newline it drops). */
const author = "Eve \u001b]0;owned title\u0007\u001b[31mRed\u001b[0m\rFake";
let repo: StageRepo;

before(async () => {
  repo = await createStageRepo();
  await git(repo.root, "config", "user.name", author);
  const quiet = testContext();
  const gitRepo = new Git(quiet.run, repo.root);
  const plan = await planPromotion(gitRepo, loadProjectConfig(diskFiles(repo.root)).config, "main", "dev", {
    fetch: true,
    context: quiet,
  });
  await applyPromotion(gitRepo, plan, { push: true, context: quiet, yes: true });
});

after(() => repo.cleanup());

test("history: a commit author with escapes prints as plain text in the text report, whole in --json", async () => {
  const text = await runCli(repo.root, "history", "--stage", "dev", "--no-fetch");
  assert.equal(text.exitCode, 0, text.stderr);
  assert.ok(
    ![...text.stdout].some((character) => character !== "\n" && character < " "),
    `no control character but the report's own newlines:\n${JSON.stringify(text.stdout)}`,
  );
  assert.match(
    text.stdout,
    /^ {2}\S+ {2}dev {4}promotion from main \S+ by Eve Red Fake <alice\.admin@example\.invalid> \(/m,
  );
  const json = await runCli(repo.root, "history", "--stage", "dev", "--no-fetch", "--json");
  assert.equal(json.exitCode, 0, json.stderr);
  const history = JSON.parse(json.stdout) as DeploymentHistory;
  const promotion = history.events.find((event) => event.kind === "promotion");
  assert.equal(promotion?.author, `${author} <alice.admin@example.invalid>`);
});
