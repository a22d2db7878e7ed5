import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { runCli } from "../support/cli.ts";
import { repoRoot, temporaryRepo } from "../support/repo-fixture.ts";

/** The `npx jore4-flux set-image …` lines of the README's set-image section, without --dry-run. */
function readmeSetImageExamples(): string[][] {
  const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
  const section = readme.slice(
    readme.indexOf("### set-image"),
    readme.indexOf("\n### ", readme.indexOf("### set-image") + 1),
  );
  return [...section.matchAll(/^npx jore4-flux (set-image [^\n]+)$/gm)]
    .map((match) => match[1]!.split(/\s+/).filter((word) => word !== "--dry-run" && word !== "--json"))
    .filter((args) => args.length > 0);
}

describe("the README's examples", () => {
  it("set-image: every example applied to the shipped configuration still passes check on every stage", async () => {
    const examples = readmeSetImageExamples();
    assert.ok(examples.length >= 3, `the set-image section has its examples: ${JSON.stringify(examples)}`);
    const { dir, cleanup } = temporaryRepo();
    try {
      for (const args of examples) {
        const result = await runCli(dir, args);
        assert.equal(result.exitCode, 0, `${args.join(" ")}: ${result.stderr}`);
      }
      const check = await runCli(dir, ["check", "--no-kustomize"]);
      assert.equal(check.exitCode, 0, check.stdout);
      assert.match(check.stdout, /0 errors/);
    } finally {
      cleanup();
    }
  });
});
