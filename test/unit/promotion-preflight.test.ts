import assert from "node:assert/strict";
import { test } from "node:test";
import {
  branchRefusals,
  cleanTreeRefusals,
  staleGenerateRefusals,
  unportedRefusals,
} from "../../src/promotion/preflight.ts";
import type { BranchState } from "../../src/git/branches.ts";

const branch = (state: Partial<BranchState>): BranchState => ({
  name: "dev",
  local: "1".repeat(40),
  remote: "1".repeat(40),
  ahead: 0,
  behind: 0,
  ...state,
});

test("a branch that matches its remote passes; without a remote only existence counts", () => {
  assert.deepEqual(branchRefusals(branch({}), "origin"), []);
  assert.deepEqual(branchRefusals(branch({ remote: undefined, ahead: 3 }), undefined), []);
});

test("each mismatch with the remote is refused with the command that fixes it", () => {
  assert.deepEqual(branchRefusals(branch({ ahead: 2 }), "origin"), [
    { reason: "dev has 2 commit(s) not pushed to origin", fix: "git push origin dev" },
  ]);
  assert.match(branchRefusals(branch({ behind: 1 }), "origin")[0]!.fix, /^git fetch origin dev:dev/);
  assert.match(
    branchRefusals(branch({ ahead: 1, behind: 4 }), "origin")[0]!.reason,
    /dev and origin\/dev have diverged \(1 local and 4 remote commits\)/,
  );
  assert.deepEqual(branchRefusals(branch({ remote: undefined }), "origin"), [
    { reason: "dev is not on origin", fix: "git push --set-upstream origin dev" },
  ]);
  assert.deepEqual(branchRefusals(branch({ local: undefined }), "origin"), [
    { reason: "dev exists on origin but not locally", fix: "git branch --track dev origin/dev" },
  ]);
});

test("a missing target may be created by the promotion; a missing source may not", () => {
  assert.deepEqual(branchRefusals(branch({ local: undefined, remote: undefined }), "origin", true), []);
  assert.match(
    branchRefusals(branch({ local: undefined, remote: undefined }), "origin")[0]!.reason,
    /there is no branch dev/,
  );
});

test("dirty trees, stale clusters and un-back-ported hotfixes are explained", () => {
  assert.deepEqual(cleanTreeRefusals([]), []);
  assert.match(cleanTreeRefusals([" M a", " M b", " M c", " M d", " M e", "?? f"])[0]!.reason, /\(6 in all\)/);
  assert.match(
    staleGenerateRefusals("main", ["clusters/dev/x.yaml"])[0]!.fix,
    /git switch main && npx jore4-flux generate/,
  );
  const [unported] = unportedRefusals({
    from: "test",
    to: "prod",
    mainBranch: "main",
    commits: [{ commit: "c".repeat(40), subject: "hotfix ui" }],
    promotePath: ["jore4-flux promote main dev", "jore4-flux promote dev test"],
  });
  assert.equal(
    unported!.reason,
    `prod has 1 commit(s) that test lacks (a hotfix not back-ported?): ${"c".repeat(12)} hotfix ui`,
  );
  assert.equal(
    unported!.fix,
    `git switch main && git cherry-pick -x ${"c".repeat(12)} && jore4-flux promote main dev && jore4-flux promote dev test`,
  );
});

test("one local and one remote commit is a divergence, not an unpushed or a missing commit", () => {
  assert.deepEqual(branchRefusals(branch({ ahead: 1, behind: 1 }), "origin"), [
    {
      reason:
        "dev and origin/dev have diverged (1 local and 1 remote commits): someone else changed dev, or one side was rewritten",
      fix: "git log --graph --oneline dev origin/dev   # then: git switch dev && git rebase --rebase-merges origin/dev",
    },
  ]);
});
