import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { describe, it } from "node:test";
import { binaryPath, runCli } from "../support/cli.ts";
import { snapshot, temporaryRepo } from "../support/repo-fixture.ts";

/**
 * Ordinary obstacles in the file system, as a user makes them by mistake: each is one line naming
 * the path with the README's exit code (2 for input not as it must be, 3 where the file system
 * refused a write), never "unexpected failure", and nothing is written.
 */
interface Obstacle {
  name: string;
  command: string[];
  /** Makes the obstacle in the repository `dir`; returns a folder outside it to watch as well, if any. */
  breakIt(dir: string): string | void;
  exitCode: 2 | 3;
  error: RegExp;
  /** The test's working folder: the repository (default) or the folder breakIt returned. */
  cwd?: "repository";
}

/**
 * A file where the repository has a folder (written with `text`), met by each command of `runs`:
 * one case each, with the exit code it gives and whether it names the path as read or written.
 */
const fileInTheWay = (
  folder: string,
  text: string,
  runs: { command: string[]; exitCode: 2 | 3; verb: "read" | "write" }[],
): Obstacle[] =>
  runs.map(({ command, exitCode, verb }) => ({
    name: `${folder} is a file (${command.filter((word) => word !== "--no-kustomize").join(" ")})`,
    command,
    breakIt: (dir) => {
      rmSync(join(dir, folder), { recursive: true, force: true });
      mkdirSync(dirname(join(dir, folder)), { recursive: true });
      writeFileSync(join(dir, folder), text);
    },
    exitCode,
    error: new RegExp(`^error: cannot ${verb} ${folder}/: a file is in the way of a folder$`),
  }));

const obstacles: Obstacle[] = [
  ...fileInTheWay("manifests/all", "kind: ConfigMap\n", [
    { command: ["generate"], exitCode: 2, verb: "read" },
    { command: ["check", "--no-kustomize"], exitCode: 2, verb: "read" },
  ]),
  ...fileInTheWay("clusters", "not a folder\n", [
    { command: ["generate"], exitCode: 3, verb: "write" },
    { command: ["generate", "--check"], exitCode: 2, verb: "read" },
    { command: ["check", "--no-kustomize"], exitCode: 2, verb: "read" },
  ]),
  {
    name: "clusters/.jore4-flux-lock is a folder (generate)",
    command: ["generate"],
    breakIt: (dir) => {
      writeFileSync(
        join(dir, "values/common.yaml"),
        readFileSync(join(dir, "values/common.yaml"), "utf8").replace("hslid-dev.t5.fi", "hslid.example.com"),
      );
      mkdirSync(join(dir, "clusters/.jore4-flux-lock"));
    },
    exitCode: 3,
    error: /^error: cannot write clusters\/\.jore4-flux-lock: a folder is in the way of a file$/,
  },
  {
    name: "bundle --output names a folder",
    command: ["bundle", "--output", "out"],
    breakIt: (dir) => void mkdirSync(join(dir, "out")),
    exitCode: 2,
    error: /^error: cannot write out: it is a folder, not a regular file$/,
    cwd: "repository",
  },
  {
    name: "bundle --output names a device (/dev/full): refused, never renamed over",
    command: ["bundle", "--output", "/dev/full"],
    breakIt: () => {},
    exitCode: 2,
    error: /^error: cannot write \/dev\/full: it is a character device, not a regular file$/,
  },
  {
    name: "bundle --output over a committed generated file (compose/e2e/docker-compose.yml)",
    command: ["bundle", "--output", "compose/e2e/docker-compose.yml"],
    breakIt: () => {},
    exitCode: 2,
    error: /^error: cannot write compose\/e2e\/docker-compose\.yml: compose\/ holds committed generated files$/,
    cwd: "repository",
  },
  {
    name: "bundle --output into clusters/, through a symbolic link from outside the repository",
    command: ["bundle", "--output", "linked/e2e.tar.gz"],
    breakIt: (dir) => {
      const outside = mkdtempSync(join(tmpdir(), "jore4-flux-output-"));
      symlinkSync(join(dir, "clusters"), join(outside, "linked"));
      return outside;
    },
    exitCode: 2,
    error: /^error: cannot write linked\/e2e\.tar\.gz: clusters\/ holds committed generated files$/,
  },
];

describe("file-system obstacles: one line naming the path, exit 2 or 3, nothing written", () => {
  for (const obstacle of obstacles)
    it(obstacle.name, async () => {
      const { dir, cleanup } = temporaryRepo();
      let outside: string | void = undefined;
      try {
        outside = obstacle.breakIt(dir);
        const before = snapshot(dir);
        const beforeOutside = outside ? snapshot(outside) : undefined;
        const cwd = obstacle.cwd === "repository" ? dir : (outside ?? mkdtempSync(join(tmpdir(), "jore4-flux-cwd-")));
        const result = await runCli(dir, obstacle.command, {}, { cwd });
        assert.equal(result.exitCode, obstacle.exitCode, result.stderr);
        const errors = result.stderr.split("\n").filter((line) => line.startsWith("error:"));
        assert.equal(errors.length, 1, result.stderr);
        assert.match(errors[0]!, obstacle.error);
        assert.doesNotMatch(result.stderr, /unexpected failure|\n\s+at /);
        assert.deepEqual(snapshot(dir), before, "files were written");
        if (outside) assert.deepEqual(snapshot(outside), beforeOutside, "files were written outside");
        if (!outside && obstacle.cwd !== "repository") assert.deepEqual(snapshot(cwd), {}, "files were written");
        if (!outside && obstacle.cwd !== "repository") rmSync(cwd, { recursive: true, force: true });
        assert.ok(statSync("/dev/full").isCharacterDevice(), "/dev/full is still a device");
      } finally {
        if (outside) rmSync(outside, { recursive: true, force: true });
        cleanup();
      }
    });
});

describe("a full disk under a file the user named", () => {
  // A real ENOSPC: a 64 KiB tmpfs, filled up, mounted in a mount namespace of the command's own (unshare -m,
  // as root), so nothing outside the test sees the mount and it ends with the process.
  it("bundle --output onto a full file system: exit 3, one line, the old file kept whole, no temporary file left", () => {
    const { dir, cleanup } = temporaryRepo();
    const small = mkdtempSync(join(tmpdir(), "jore4-flux-full-"));
    try {
      const script =
        'mount -t tmpfs -o size=64k tmpfs "$1" && printf old > "$1/e2e.tar.gz" && ' +
        '{ cat /dev/zero > "$1/.fill" 2>/dev/null; true; } && ' +
        'node "$2" bundle --output "$1/e2e.tar.gz"; status=$?; ' +
        'printf "\\n[%s|%s]" "$(cat "$1/e2e.tar.gz")" "$(ls -A "$1" | tr "\\n" " ")"; exit $status';
      const run = spawnSync(
        "unshare",
        ["-m", "--propagation", "private", "sh", "-c", script, "sh", small, binaryPath],
        { cwd: dir, encoding: "utf8", timeout: 120_000 },
      );
      assert.equal(run.signal, null, "the run was still going after two minutes");
      assert.equal(run.status, 3, run.stderr);
      const errors = run.stderr.split("\n").filter((line) => line.startsWith("error:"));
      assert.deepEqual(errors, [`error: cannot write ${small}/e2e.tar.gz: no space left on the device`], run.stderr);
      assert.match(
        run.stdout,
        /\[old\|\.fill e2e\.tar\.gz \]$/,
        "the old file is whole, and no temporary file is left",
      );
    } finally {
      rmSync(small, { recursive: true, force: true });
      cleanup();
    }
  });
});
