import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, it } from "node:test";
import { runCli } from "../support/cli.ts";
import { composeCheck } from "../support/compose-check.ts";
import { temporaryRepo } from "../support/repo-fixture.ts";

describe("a `$` in the values reaches docker compose as written, not interpolated", () => {
  let repo: ReturnType<typeof temporaryRepo>;
  beforeEach(() => (repo = temporaryRepo()));
  afterEach(() => repo.cleanup());

  it("env value `cost $HOME, ${USER} and $$`: compose-go loads that text, whatever HOME and USER are", async () => {
    const written = "cost $HOME, ${USER} and $$";
    const values = join(repo.dir, "values/e2e.yaml");
    const line = "      LOGOUTPAGE_URL: http://localhost:3300\n";
    const text = readFileSync(values, "utf8");
    assert.ok(text.includes(line));
    writeFileSync(
      values,
      text.replace(line, () => `${line}      GREETING: '${written}'\n`),
    );
    const generated = await runCli(repo.dir, ["generate"]);
    assert.equal(generated.exitCode, 0, generated.stderr);
    const loaded = await composeCheck(join(repo.dir, "compose/e2e"), { HOME: "/home/tester", USER: "tester" });
    assert.equal(loaded.exitCode, 0, loaded.stderr);
    const project = JSON.parse(loaded.stdout) as { services: Record<string, { environment: Record<string, string> }> };
    assert.equal(project.services["jore4-auth"]!.environment.GREETING, written);
  });
});
