import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  chownSync,
  cpSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
  type Stats,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { ExitCode } from "../../src/errors.ts";
import { runBinarySync, runCli as runInRepo } from "../support/cli.ts";
import { repoRoot } from "../support/repo-fixture.ts";
import { createStageRepo, runCli, type StageRepo } from "../support/stage-repo.ts";

const mkfifo = (path: string) => spawnSync("mkfifo", [path], { stdio: "inherit" });

/** The binary run in a child process, so that a read blocked on a FIFO is ended by the timeout (not this test). */
const binary = (dir: string, ...args: string[]) => runBinarySync(dir, args, 60_000);

/**
 * Should a regression replace the device node again (as root), the machine gets it back as it was:
 * the same path, type, device number and permissions.
 */
function restoreDevice(path: string, was: Stats): void {
  if (lstatSync(path).isCharacterDevice()) return;
  const major = (was.rdev >> 8) & 0xfff;
  const minor = (was.rdev & 0xff) | ((was.rdev >> 12) & 0xfff00);
  rmSync(path);
  const made = spawnSync("mknod", ["-m", (was.mode & 0o777).toString(8), path, "c", String(major), String(minor)]);
  assert.equal(made.status, 0, `could not restore ${path}: ${made.stderr}`);
  chownSync(path, was.uid, was.gid);
}

/** One `error:` line and nothing else on stderr. */
const oneErrorLine = (stderr: string, pattern: RegExp) => {
  assert.equal(stderr.trimEnd().split("\n").length, 1, stderr);
  assert.match(stderr.trimEnd(), pattern);
};

describe("history --html FILE: the one writer of user-named files", () => {
  let repo: StageRepo;
  let out: string;
  before(async () => {
    repo = await createStageRepo();
    out = join(repo.dir, "out");
    mkdirSync(out);
  });
  after(() => repo.cleanup());

  test("a symbolic link: its target is written, the link stays a link", async () => {
    mkdirSync(join(out, "reports"));
    const target = join(out, "reports", "history.html");
    writeFileSync(target, "stale report\n", { mode: 0o640 });
    symlinkSync("reports/history.html", join(out, "link.html"));
    const run = await runCli(repo.root, "history", "--no-fetch", "--html", join(out, "link.html"));
    assert.equal(run.exitCode, ExitCode.ok, run.stderr);
    assert.ok(lstatSync(join(out, "link.html")).isSymbolicLink(), "the link is kept");
    assert.match(readFileSync(target, "utf8"), /^<!doctype html>/i);
    assert.equal(statSync(target).mode & 0o777, 0o640, "the target keeps its permissions");
    assert.deepEqual(
      readdirSync(join(out, "reports")).filter((name) => name !== "history.html"),
      [],
      "no temporary file is left",
    );
  });

  test("a FIFO: refused with one line, exit 2, the FIFO left as it is (and nothing blocks)", async () => {
    const fifo = join(out, "pipe.html");
    mkfifo(fifo);
    const run = await runCli(repo.root, "history", "--no-fetch", "--html", fifo);
    assert.equal(run.exitCode, ExitCode.invalid, run.stderr);
    oneErrorLine(run.stderr, /^error: cannot write .*\/pipe\.html: it is a FIFO \(named pipe\), not a regular file$/);
    assert.ok(lstatSync(fifo).isFIFO(), "still a FIFO");
  });

  test("a folder: refused with one line, exit 2, the folder untouched", async () => {
    const folder = join(out, "folder.html");
    mkdirSync(folder);
    writeFileSync(join(folder, "kept"), "x");
    const run = await runCli(repo.root, "history", "--no-fetch", "--html", folder);
    assert.equal(run.exitCode, ExitCode.invalid, run.stderr);
    oneErrorLine(run.stderr, /^error: cannot write .*\/folder\.html: it is a folder, not a regular file$/);
    assert.deepEqual(readdirSync(folder), ["kept"]);
  });

  test("a link to a FIFO is refused, naming the FIFO", async () => {
    const fifo = join(out, "linked-pipe");
    mkfifo(fifo);
    symlinkSync(fifo, join(out, "to-pipe.html"));
    const run = await runCli(repo.root, "history", "--no-fetch", "--html", join(out, "to-pipe.html"));
    assert.equal(run.exitCode, ExitCode.invalid, run.stderr);
    oneErrorLine(
      run.stderr,
      /^error: cannot write .*\/to-pipe\.html: .*\/linked-pipe is a FIFO \(named pipe\), not a regular file$/,
    );
    assert.ok(lstatSync(fifo).isFIFO());
  });

  // As root (as the issue found it), the old writer renamed its temporary file over the device node.
  test("/dev/full: refused or a write error (exit 2 or 3, one line), the device node intact", async () => {
    const before = statSync("/dev/full");
    assert.ok(before.isCharacterDevice(), "this machine's /dev/full is a device");
    const leftovers = () => readdirSync("/dev").filter((name) => name.startsWith(".jore4-flux-"));
    const earlier = leftovers();
    try {
      const run = await runCli(repo.root, "history", "--no-fetch", "--html", "/dev/full");
      assert.ok(
        [ExitCode.invalid, ExitCode.failed].some((code) => code === run.exitCode),
        run.stderr,
      );
      oneErrorLine(run.stderr, /^error: cannot write \/dev\/full: /);
      const after = lstatSync("/dev/full");
      assert.ok(after.isCharacterDevice(), "/dev/full is still a character device");
      assert.equal(after.rdev, before.rdev);
      assert.equal(after.ino, before.ino, "the same node, not a new one");
      assert.deepEqual(leftovers(), earlier, "no temporary file left in /dev");
    } finally {
      restoreDevice("/dev/full", before);
    }
  });
});

describe("toc FILE: read and written only as a regular file", () => {
  let scratch: string;
  const markdown = "# Title\n\n<!-- START doctoc -->\n<!-- END doctoc -->\n\n## One\n\n## Two\n";
  before(() => {
    scratch = mkdtempSync(join(tmpdir(), "jore4-flux-toc-"));
    cpSync(join(repoRoot, "jore4-flux.yaml"), join(scratch, "jore4-flux.yaml"));
    mkdirSync(join(scratch, "docs"));
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  test("a symbolic link: the file it leads to gets the table of contents, the link stays", async () => {
    writeFileSync(join(scratch, "docs", "guide.md"), markdown);
    symlinkSync("docs/guide.md", join(scratch, "GUIDE.md"));
    const run = await runInRepo(scratch, ["toc", "GUIDE.md"]);
    assert.equal(run.exitCode, ExitCode.ok, run.stderr);
    assert.ok(lstatSync(join(scratch, "GUIDE.md")).isSymbolicLink(), "the link is kept");
    assert.match(readFileSync(join(scratch, "docs", "guide.md"), "utf8"), /- \[One\]\(#one\)/);
  });

  test("a FIFO: refused with one line, exit 2, without blocking on it", () => {
    mkfifo(join(scratch, "PIPE.md"));
    const run = binary(scratch, "toc", "PIPE.md");
    assert.equal(run.signal, null, "not killed by the timeout: nothing blocked");
    assert.equal(run.exitCode, ExitCode.invalid, run.stderr);
    oneErrorLine(run.stderr, /^error: cannot write PIPE\.md: it is a FIFO \(named pipe\), not a regular file$/);
    assert.ok(lstatSync(join(scratch, "PIPE.md")).isFIFO());
  });

  test("a folder: refused with one line naming it, exit 2", async () => {
    mkdirSync(join(scratch, "FOLDER.md"));
    const run = await runInRepo(scratch, ["toc", "FOLDER.md"]);
    assert.equal(run.exitCode, ExitCode.invalid, run.stderr);
    oneErrorLine(run.stderr, /^error: cannot write FOLDER\.md: it is a folder, not a regular file$/);
  });
});
