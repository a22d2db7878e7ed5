import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { runCli } from "../support/cli.ts";
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

const obstacles: Obstacle[] = [
  {
    name: "manifests/all is a file (generate)",
    command: ["generate"],
    breakIt: (dir) => {
      mkdirSync(join(dir, "manifests"), { recursive: true });
      writeFileSync(join(dir, "manifests/all"), "kind: ConfigMap\n");
    },
    exitCode: 2,
    error: /^error: cannot read manifests\/all\/: a file is in the way of a folder$/,
  },
  {
    name: "manifests/all is a file (check)",
    command: ["check", "--no-kustomize"],
    breakIt: (dir) => {
      mkdirSync(join(dir, "manifests"), { recursive: true });
      writeFileSync(join(dir, "manifests/all"), "kind: ConfigMap\n");
    },
    exitCode: 2,
    error: /^error: cannot read manifests\/all\/: a file is in the way of a folder$/,
  },
  {
    name: "clusters is a file (generate)",
    command: ["generate"],
    breakIt: (dir) => {
      rmSync(join(dir, "clusters"), { recursive: true });
      writeFileSync(join(dir, "clusters"), "not a folder\n");
    },
    exitCode: 3,
    error: /^error: cannot write clusters\/: a file is in the way of a folder$/,
  },
  {
    name: "clusters is a file (generate --check)",
    command: ["generate", "--check"],
    breakIt: (dir) => {
      rmSync(join(dir, "clusters"), { recursive: true });
      writeFileSync(join(dir, "clusters"), "not a folder\n");
    },
    exitCode: 2,
    error: /^error: cannot read clusters\/: a file is in the way of a folder$/,
  },
  {
    name: "clusters is a file (check)",
    command: ["check", "--no-kustomize"],
    breakIt: (dir) => {
      rmSync(join(dir, "clusters"), { recursive: true });
      writeFileSync(join(dir, "clusters"), "not a folder\n");
    },
    exitCode: 2,
    error: /^error: cannot read clusters\/: a file is in the way of a folder$/,
  },
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
    error: /^error: cannot write \/.*\/out: it is a folder$/,
    cwd: "repository",
  },
  {
    name: "bundle --output on a full disk (/dev/full)",
    command: ["bundle", "--output", "/dev/full"],
    breakIt: () => {},
    exitCode: 3,
    error: /^error: cannot write \/dev\/full: no space left on the device$/,
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
