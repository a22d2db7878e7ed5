import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
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

test("the runner's largeOutput: standard output read whole from a file that is gone afterwards, decoded as asked", async () => {
  const dir = mkdtempSync(join(tmpdir(), "jore4-flux-large-output-"));
  try {
    const run = processRunner({ ...process.env, TMPDIR: dir }, dir);
    const script = "process.stdout.write('é'.repeat(400000)); process.stderr.write('warning\\n'); process.exit(3)";
    const utf8 = await run(process.execPath, ["-e", script], { largeOutput: "utf8" });
    assert.equal(utf8.stdout, "é".repeat(400_000));
    assert.equal(utf8.exitCode, 3);
    assert.equal(utf8.failed, true);
    assert.equal(utf8.all, "warning\n", "all holds standard error only");
    const latin1 = await run(process.execPath, ["-e", "process.stdout.write('é')"], { largeOutput: "latin1" });
    assert.equal(latin1.stdout, "\u00c3\u00a9", "a character per byte");
    const missing = await run(join(dir, "no-such-program"), [], { largeOutput: "utf8" });
    assert.equal(missing.failed, true);
    assert.match(missing.message, /ENOENT/);
    assert.deepEqual(readdirSync(dir), [], "no file is left behind");
    const noTemporaryFolder = processRunner({ ...process.env, TMPDIR: join(dir, "missing") }, dir);
    const piped = await noTemporaryFolder(process.execPath, ["-e", "process.stdout.write('é')"], {
      largeOutput: "utf8",
    });
    assert.equal(piped.stdout, "é", "without a folder for the file, the output comes through a pipe");
    assert.equal(piped.all, "");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
