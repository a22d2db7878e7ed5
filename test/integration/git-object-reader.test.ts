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

test("objectReader answers reads asked one after another from one cat-file, each object once; missing ones left out", async () => {
  const { dir, large } = repository();
  try {
    const git = new Git(processRunner(process.env, dir), dir);
    const blobs = await git.filesAt("HEAD");
    const reader = git.objectReader((text) => text);
    const first = await reader.read([blobs.get("small.txt")!, "0".repeat(40), blobs.get("small.txt")!]);
    assert.equal(first.get(blobs.get("small.txt")!), "small\n");
    assert.equal(first.has("0".repeat(40)), false);
    const second = await reader.read([blobs.get("large.txt")!, blobs.get("accent.txt")!]);
    assert.equal(second.get(blobs.get("large.txt")!), large);
    assert.equal(second.get(blobs.get("accent.txt")!), "é\n");
    await reader.close();
    assert.deepEqual([...(await git.readObjects([blobs.get("accent.txt")!]))], [[blobs.get("accent.txt")!, "é\n"]]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("objectReader: a cat-file that fails rejects the reads it left unanswered", async () => {
  const dir = mkdtempSync(join(tmpdir(), "jore4-flux-object-reader-"));
  try {
    const git = new Git(processRunner({ ...process.env, GIT_CEILING_DIRECTORIES: tmpdir() }, dir), dir);
    const reader = git.objectReader((text) => text);
    await assert.rejects(reader.read(["0".repeat(40)]), /git cat-file --batch failed/);
    await reader.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
