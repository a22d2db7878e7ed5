import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { refreshedToc } from "../../src/docs/toc.ts";
import { repoRoot } from "../support/repo-fixture.ts";

const markers =
  "<!-- START doctoc generated TOC please keep comment here to allow auto update -->\n<!-- END doctoc generated TOC please keep comment here to allow auto update -->\n";

describe("the README's table of contents", () => {
  it("is filled in between the doctoc markers, nested by heading level", () => {
    const refreshed = refreshedToc(`# Title\n\n${markers}\n## Quick start\n\n### Step one\n\n## Values: common.yaml\n`);
    assert.ok(refreshed);
    assert.match(
      refreshed,
      /\n- \[Quick start\]\(#quick-start\)\n {2}- \[Step one\]\(#step-one\)\n- \[Values: common\.yaml\]\(#values-commonyaml\)\n/,
    );
  });

  it("is reported current when nothing changed", () => {
    const once = refreshedToc(`# T\n\n${markers}\n## A\n`)!;
    assert.equal(refreshedToc(once), undefined);
  });

  it("is current in this repository's README", () => {
    assert.equal(
      refreshedToc(readFileSync(join(repoRoot, "README.md"), "utf8")),
      undefined,
      "run `npx jore4-flux toc`",
    );
  });
});
