import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { composeFileName } from "../../src/compose/bundle.ts";
import { renderProject } from "../../src/generate/render-project.ts";
import { memoryFiles } from "../../src/io/source-files.ts";
import { shippedFiles } from "../support/repo-fixture.ts";

/** An auth env value with `$` in it, on e2e (test/integration/compose-literal.test.ts loads one with compose-go). */
const dollarValue = "cost $HOME, ${USER} and $$";

function withDollarEnv(files: Record<string, string>): Record<string, string> {
  const line = "      LOGOUTPAGE_URL: http://localhost:3300\n";
  assert.ok(files["values/e2e.yaml"]!.includes(line));
  return {
    ...files,
    "values/e2e.yaml": files["values/e2e.yaml"]!.replace(line, () => `${line}      GREETING: '${dollarValue}'\n`),
  };
}

describe("the compose bundle writes a `$` of the values as compose's literal `$$`", () => {
  it("an env value `cost $HOME, ${USER} and $$` is written with every `$` doubled", () => {
    const bundle = renderProject(memoryFiles(withDollarEnv(shippedFiles()))).bundles[0]!;
    const text = bundle.files.find((file) => file.path === `compose/e2e/${composeFileName}`)!.text;
    const compose = parse(text) as { services: Record<string, { environment: Record<string, string> }> };
    assert.equal(compose.services["jore4-auth"]!.environment.GREETING, "cost $$HOME, $${USER} and $$$$");
  });
});
