import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { stringify } from "yaml";
import { proxyService, renderComposeFile, renderHealthChecks } from "../../src/compose/bundle.ts";
import { Jore4FluxError, formatProblem } from "../../src/errors.ts";
import { memoryFiles, utf8Text } from "../../src/io/source-files.ts";
import { kubernetesYaml } from "../../src/kube/yaml.ts";
import { loadProject } from "../../src/values/load.ts";
import { shippedFiles } from "../support/repo-fixture.ts";

/** Cheap edges nobody tested: each of these would have let a wrong answer through unnoticed. */

describe("kubernetesYaml: strings that YAML 1.1 reads as floats", () => {
  const yamlText = (value: unknown) =>
    stringify(value, { lineWidth: 0, aliasDuplicateObjects: false, compat: "yaml-1.1" });

  it("quotes `e` or `E` with a signed exponent (e+1, E-12): a YAML 1.1 reader takes them for numbers", () => {
    for (const text of ["e+1", "E-12", "e-0", "E+99", "e1", "E12"]) {
      assert.equal(kubernetesYaml({ k: text }), `k: "${text}"\n`, text);
      assert.equal(kubernetesYaml({ k: text }), yamlText({ k: text }), text);
    }
  });

  it("writes the look-alikes that are no numbers plain, as yaml does", () => {
    for (const text of ["e+", "e+x", "e-1x", "ex1", "e", "E"])
      assert.equal(kubernetesYaml({ k: text }), yamlText({ k: text }), text);
  });
});

describe("the compose bundle of a kind stage whose ingress routes nothing", () => {
  it("has no proxy: nothing to route to, and no proxy checks", () => {
    const shipped = shippedFiles();
    const files = {
      ...shipped,
      "values/common.yaml": shipped["values/common.yaml"]!.replace(/^ {4}ingressPath: .*\n/gm, ""),
    };
    assert.ok(!files["values/common.yaml"].includes("ingressPath"));
    const e2e = loadProject(memoryFiles(files)).stages.find((model) => model.stage.name === "e2e")!;
    assert.equal(e2e.values.ingress.hostPort, 3300);
    const compose = renderComposeFile(e2e) as { services: Record<string, unknown> };
    assert.deepEqual(Object.keys(compose.services).sort(), ["jore4-auth", "jore4-hasura", "jore4-testdb", "jore4-ui"]);
    assert.ok(!(proxyService in compose.services));
    assert.doesNotMatch(renderHealthChecks(e2e.values, []), / proxy /);
  });
});

describe("utf8Text: the column of a byte that is not UTF-8", () => {
  const problem = (bytes: Buffer) => {
    try {
      utf8Text("values/dev.yaml", bytes);
    } catch (error) {
      assert.ok(error instanceof Jore4FluxError);
      return error.problems.map(formatProblem);
    }
    assert.fail("expected an error");
  };

  it("counts characters, not bytes: after `ä` (two bytes) the bad byte is in column 5 of `a: ä`", () => {
    assert.deepEqual(problem(Buffer.concat([Buffer.from("a: ä", "utf8"), Buffer.from([0xff])])), [
      "values/dev.yaml:1:5: not UTF-8: byte 0xff (save the file as UTF-8)",
    ]);
    assert.deepEqual(problem(Buffer.concat([Buffer.from("x: 1\nkey: äö€", "utf8"), Buffer.from([0xc3, 0x28])])), [
      "values/dev.yaml:2:9: not UTF-8: byte 0xc3 (save the file as UTF-8)",
    ]);
  });
});
