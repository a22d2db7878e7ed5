import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { execa } from "execa";
import { Git } from "../../src/git/git.ts";
import { evidenceNotesRef, recordOf, type EvidenceEvent } from "../../src/evidence/model.ts";
import { readRecord, writeRecord } from "../../src/evidence/notes.ts";
import { processRunner } from "../../src/process-context.ts";
import { cloneRepo, createStageRepo, git, type StageRepo } from "../support/stage-repo.ts";

/** The deployment record in git notes, with real git: a bare remote and clones of it. */
describe("evidence: the record in git notes", () => {
  let repo: StageRepo;
  let commits: string[];
  const gitOf = (root: string) => new Git(processRunner(process.env, root), root);
  const event = (stage: string, kind: EvidenceEvent["kind"], at: string): EvidenceEvent => ({ stage, kind, at });
  /** Writes these events of commit `of` (an index into `commits`) to the record and pushes it. */
  const pushEvents = (writer: Git, of: number, events: EvidenceEvent[]) =>
    writeRecord(writer, recordOf(events.map((each) => ({ commit: commits[of]!, event: each }))), {
      remote: "origin",
      push: true,
    });

  before(async () => {
    repo = await createStageRepo();
    commits = [];
    for (const n of [1, 2, 3]) {
      await git(repo.root, "commit", "--quiet", "--allow-empty", "-m", `commit ${n}`);
      commits.push(await git(repo.root, "rev-parse", "HEAD"));
    }
    await git(repo.root, "push", "--quiet", "origin", "main");
  });
  after(() => repo?.cleanup());

  test("written, read back, shown by git log --notes=jore4-flux, pushed without force and seen by a fresh clone", async () => {
    const local = gitOf(repo.root);
    const first = await pushEvents(local, 0, [
      event("dev", "applied", "2026-12-07T21:00:00Z"),
      event("dev", "rolled-out", "2026-12-07T21:00:04Z"),
    ]);
    assert.equal(first.added, 2);
    assert.equal(first.pushed, true);
    const log = await git(repo.root, "log", "--notes=jore4-flux", "--format=%H%n%N", "-1", commits[0]!);
    assert.match(log, /2026-12-07T21:00:00Z dev applied\n2026-12-07T21:00:04Z dev rolled-out/);
    // Idempotent: the same events again add nothing and make no notes commit.
    const again = await pushEvents(local, 0, [event("dev", "applied", "2026-12-07T21:00:09Z")]);
    assert.equal(again.added, 0);
    assert.equal(again.notesCommit, first.notesCommit);
    assert.equal(await git(repo.root, "rev-list", "--count", evidenceNotesRef), "1");

    const clone = await cloneRepo(repo, "fresh-clone");
    const fetched = await writeRecord(gitOf(clone), new Map(), { remote: "origin" });
    assert.equal(fetched.notesCommit, first.notesCommit, "a fresh clone takes the remote's notes as they are");
    const record = await readRecord(gitOf(clone));
    assert.deepEqual(
      record.get(commits[0]!)?.events.map((item) => item.kind),
      ["applied", "rolled-out"],
    );
  });

  test("two clones writing apart: the second merges the first's notes (a merge commit), pushes without force", async () => {
    const alice = gitOf(repo.root);
    const bobRoot = await cloneRepo(repo, "bob");
    const bob = gitOf(bobRoot);
    await writeRecord(bob, new Map(), { remote: "origin" });
    await pushEvents(alice, 1, [event("dev", "applied", "2026-12-07T22:00:00Z")]);
    // Bob has not fetched since: his write is on his old notes commit, and must merge Alice's.
    const bobs = await pushEvents(bob, 1, [
      event("test", "applied", "2026-12-07T22:01:00Z"),
      event("dev", "applied", "2026-12-07T22:00:01Z"),
    ]);
    assert.equal(bobs.added, 1, "dev's apply was recorded by Alice already");
    assert.equal(bobs.mergedRemote, true);
    const remoteNotes = await git(repo.dir, "--git-dir", join(repo.dir, "remote.git"), "rev-parse", evidenceNotesRef);
    assert.equal(remoteNotes, bobs.notesCommit);
    const note = (await readRecord(bob)).get(commits[1]!)!;
    assert.deepEqual(
      note.events.map((item) => `${item.stage} ${item.kind} ${item.at}`),
      ["dev applied 2026-12-07T22:00:00Z", "test applied 2026-12-07T22:01:00Z"],
    );
  });

  test("eight writers at once on one repository (the compare-and-swap of the notes ref): no event lost", async () => {
    const local = gitOf(repo.root);
    const results = await Promise.all(
      [0, 1, 2, 3, 4, 5, 6, 7].map((n) =>
        writeRecord(
          local,
          recordOf([{ commit: commits[1]!, event: event(`cas${n}`, "applied", "2026-12-07T22:30:00Z") }]),
        ),
      ),
    );
    assert.ok(results.every((result) => result.added === 1));
    const stages = (await readRecord(local)).get(commits[1]!)!.events.map((item) => item.stage);
    assert.deepEqual(
      stages.filter((stage) => stage.startsWith("cas")).sort(),
      [0, 1, 2, 3, 4, 5, 6, 7].map((n) => `cas${n}`),
    );
  });

  test("six processes writing at once, each to its own clone and the same one: no event lost, none doubled", async () => {
    const roots = [
      repo.root,
      repo.root,
      repo.root,
      await cloneRepo(repo, "p1"),
      await cloneRepo(repo, "p2"),
      await cloneRepo(repo, "p3"),
    ];
    const writer = new URL("../support/evidence-writer.ts", import.meta.url).pathname;
    const results = await Promise.all(
      roots.map((root, n) =>
        execa(
          process.execPath,
          [
            "--import",
            "tsx",
            writer,
            root,
            // Every process records the same shared fact, and one of its own.
            `${commits[2]!}|dev|applied|2026-12-07T23:00:0${n}Z`,
            `${commits[2]!}|stage${n}|applied|2026-12-07T23:00:00Z`,
          ],
          { reject: false },
        ),
      ),
    );
    for (const result of results) assert.equal(result.exitCode, 0, result.stderr);
    const clone = await cloneRepo(repo, "checker");
    await writeRecord(gitOf(clone), new Map(), { remote: "origin" });
    const events = (await readRecord(gitOf(clone))).get(commits[2]!)!.events;
    assert.deepEqual(
      events.map((item) => `${item.stage} ${item.kind}`).sort(),
      ["dev applied", ...roots.map((_, n) => `stage${n} applied`)].sort(),
    );
    assert.equal(events.find((item) => item.stage === "dev")!.at, "2026-12-07T23:00:00Z", "the earliest observation");
    const added = results.map((result) => (JSON.parse(String(result.stdout)) as { added: number }).added);
    assert.ok(
      added.every((n) => n >= 1),
      "each run counts at least its own event (counts are of its local record: a fact two clones saw is new to both)",
    );
    // Nothing was forced: the remote's notes history holds every writer's commit.
    const remoteGit = ["--git-dir", join(repo.dir, "remote.git")];
    const log = await git(repo.dir, ...remoteGit, "log", "--format=%H", evidenceNotesRef);
    assert.ok(log.split("\n").length >= 3);
  });
});
