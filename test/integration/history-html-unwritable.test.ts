import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { createStageRepo, runCli, type StageRepo } from "../support/stage-repo.ts";

let repo: StageRepo;
before(async () => {
  repo = await createStageRepo();
});
after(() => repo.cleanup());

test("history --html to a path that cannot be written: a one-line error, exit 3, no stack trace", async () => {
  const blocker = join(repo.root, "..", `not-a-folder-${process.pid}`);
  writeFileSync(blocker, "a file where a folder is needed\n");
  const run = await runCli(repo.root, "history", "--no-fetch", "--html", join(blocker, "report.html"));
  assert.equal(run.exitCode, 3, run.stderr);
  assert.match(run.stderr, /^error: cannot write .*not-a-folder-\d+\/report\.html: a file is in the way of a folder$/m);
  assert.doesNotMatch(run.stderr, /\n\s+at /);
});
