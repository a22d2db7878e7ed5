import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { Git } from "../../src/git/git.ts";
import { processRunner } from "../../src/process-context.ts";

/** A repository with a small file, a non-ASCII one and one large enough to arrive in many pieces. */
function repository(): { dir: string; large: string } {
  const dir = mkdtempSync(join(tmpdir(), "jore4-flux-object-reader-"));
  const large = "0123456789abcdef\n".repeat(300_000);
  writeFileSync(join(dir, "small.txt"), "small\n");
  writeFileSync(join(dir, "accent.txt"), "é\n");
  writeFileSync(join(dir, "large.txt"), large);
  const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, encoding: "utf8" });
  git("init", "--quiet");
  git("add", ".");
  git("-c", "user.name=Test", "-c", "user.email=test@example.invalid", "commit", "--quiet", "-m", "files");
  return { dir, large };
}

test("readObjects: each object once, made into what `read` makes of it; non-ASCII and large texts whole; missing ones left out", async () => {
  const { dir, large } = repository();
  try {
    const git = new Git(processRunner(process.env, dir), dir);
    const blobs = await git.filesAt("HEAD");
    const [small, accent, largeId] = [blobs.get("small.txt")!, blobs.get("accent.txt")!, blobs.get("large.txt")!];
    const read: string[] = [];
    const lengths = await git.readObjects([small, "0".repeat(40), small, largeId, accent], (text) => {
      read.push(text);
      return text.length;
    });
    assert.deepEqual(
      [...lengths],
      [
        [small, 6],
        [largeId, large.length],
        [accent, 2],
      ],
    );
    assert.equal(read.length, 3, "each object is read once");
    assert.equal(read[1], large);
    assert.deepEqual([...(await git.readObjects([accent]))], [[accent, "é\n"]]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("readObjects: a cat-file that fails is an error naming it", async () => {
  const dir = mkdtempSync(join(tmpdir(), "jore4-flux-object-reader-"));
  try {
    const git = new Git(processRunner({ ...process.env, GIT_CEILING_DIRECTORIES: tmpdir() }, dir), dir);
    await assert.rejects(git.readObjects(["0".repeat(40)]), /git cat-file --batch failed: .*not a git repository/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
