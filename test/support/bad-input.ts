import assert from "node:assert/strict";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { Jore4FluxError, formatProblem } from "../../src/errors.ts";
import { runCli } from "./cli.ts";
import { snapshot, temporaryRepo } from "./repo-fixture.ts";

/** One realistic way to break a copy of the shipped configuration, and the error it must give. */
export interface BadInput {
  name: string;
  breakIt(dir: string): void;
  error: RegExp;
  /** Default: `generate`. */
  command?: string[];
}

/**
 * The problems, one formatted line each, that `load` refuses its input with (exit code 2); the
 * test fails when it throws anything else or accepts the input.
 */
export function refusalProblems(load: () => unknown): string[] {
  try {
    load();
  } catch (error) {
    assert.ok(error instanceof Jore4FluxError, String(error));
    assert.equal(error.exitCode, 2);
    return error.problems.map(formatProblem);
  }
  assert.fail("expected the input to be refused");
}

/** A shared plain manifest, as a user adds one (the shipped configuration has none): a LimitRange giving containers `memory`. */
export const limitRangeManifest = (memory: string) =>
  [
    "apiVersion: v1",
    "kind: LimitRange",
    "metadata:",
    "  name: defaults",
    "  namespace: hsl-jore4",
    "spec:",
    "  limits:",
    "    - type: Container",
    `      default: {memory: ${memory}}`,
    "",
  ].join("\n");

export const edit = (dir: string, file: string, change: (text: string) => string) =>
  writeFileSync(join(dir, file), change(readFileSync(join(dir, file), "utf8")));

/**
 * Each case breaks a copy of the shipped configuration, removes clusters/ (so a successful run
 * would write files), and asserts exit code 2, the error, no stack trace and not a single file
 * written.
 */
export function refusesBadInput(title: string, cases: readonly BadInput[]): void {
  describe(title, () => {
    for (const bad of cases) {
      it(bad.name, async () => {
        const { dir, cleanup } = temporaryRepo();
        try {
          rmSync(join(dir, "clusters"), { recursive: true });
          bad.breakIt(dir);
          const before = snapshot(dir);
          const result = await runCli(dir, bad.command ?? ["generate"]);
          assert.equal(result.exitCode, 2, result.stderr);
          assert.match(result.stderr, bad.error);
          assert.doesNotMatch(result.stderr, /\n\s+at /, "a stack trace");
          assert.deepEqual(snapshot(dir), before, "generate wrote files despite the error");
        } finally {
          cleanup();
        }
      });
    }
  });
}
