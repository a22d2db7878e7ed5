import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { runStep } from "../../src/cluster/run.ts";
import { Jore4FluxError } from "../../src/errors.ts";
import { runTool } from "../../src/tools/run.ts";
import { testContext } from "../support/cli.ts";

// One runner for every external tool (src/tools/run.ts): a cluster step and a build fail alike.
describe("the one tool runner", () => {
  const bin = mkdtempSync(join(tmpdir(), "jore4-flux-runner-"));
  after(() => rmSync(bin, { recursive: true, force: true }));
  // A real program on PATH, standing for kind: prints what it was given, fails on "fail".
  writeFileSync(
    join(bin, "kind"),
    '#!/bin/sh\nif [ "$1" = fail ]; then echo "no cluster here" >&2; exit 2; fi\necho "args: $*"\necho\n',
  );
  chmodSync(join(bin, "kind"), 0o755);
  const context = () => testContext({ env: { PATH: `${bin}:/usr/bin:/bin` }, cwd: bin });

  it("runs a tool found on PATH in the root and hands back its output", async () => {
    const result = await runTool(context(), bin, { argv: ["kind", "get", "clusters"] });
    assert.deepEqual(result, { stdout: "args: get clusters\n\n", stderr: "", exitCode: 0 });
    // A cluster step reads its output as a value: without the final newline.
    const step = await runStep(context(), bin, { title: "list", argv: ["kind", "get", "clusters"] });
    assert.equal(step.stdout, "args: get clusters\n");
  });

  it("a failure names what the step did, the command line run and the tool's message: exit code 3", async () => {
    const failed = runStep(context(), bin, { title: "create the kind cluster", argv: ["kind", "fail", "now"] });
    await assert.rejects(failed, (error: unknown) => {
      assert.ok(error instanceof Jore4FluxError);
      assert.equal(error.exitCode, 3);
      assert.equal(error.message, `create the kind cluster (${join(bin, "kind")} fail now) failed:\nno cluster here`);
      return true;
    });
  });

  it("a step that may fail hands back its exit code", async () => {
    const step = await runStep(context(), bin, { title: "t", argv: ["kind", "fail"], tolerateFailure: true });
    assert.deepEqual(step, { stdout: "", stderr: "no cluster here", exitCode: 2 });
  });

  it("a tool not installed is named, with how to get it", async () => {
    await assert.rejects(runTool(context(), bin, { argv: ["az", "login"] }), (error: unknown) => {
      assert.ok(error instanceof Jore4FluxError);
      assert.equal(error.message, "az is not installed (not found on PATH)");
      assert.match(error.hint ?? "", /install the Azure CLI/);
      return true;
    });
  });
});
