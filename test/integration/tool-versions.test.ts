import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { execa } from "execa";
import { parseAllDocuments } from "yaml";
import { crdFiles } from "../../src/cluster/crd-sources.ts";
import { goTool, goTools, kubernetesVersion, toolModule } from "../../src/tools/catalog.ts";
import { fluxControllers, fluxRelease, moduleDir } from "../../src/tools/go-modules.ts";
import { toolsBinDir } from "../../src/tools/paths.ts";
import { repoRoot } from "../support/repo-fixture.ts";
import { testContext } from "../support/cli.ts";

const controllerName = (module: string) => module.split("/").pop()!;

/** One Flux release: the pins, the built controllers, crds/flux.yaml and schemas/ all name the same versions. */
describe("the pinned versions agree", () => {
  test("the Flux controller pins are the ones the pinned flux2 release bundles", async () => {
    const goMod = readFileSync(join(await moduleDir(testContext(), fluxRelease), "go.mod"), "utf8");
    for (const pin of fluxControllers)
      assert.match(goMod, new RegExp(`\\n\\s*${pin.module}/api ${pin.version.replaceAll(".", "\\.")}\\n`), pin.module);
  });

  test("the catalog builds each Flux controller at its pin", () => {
    for (const pin of fluxControllers) {
      const tool = goTool(controllerName(pin.module));
      assert.ok(tool, `${pin.module} is in the catalog`);
      assert.deepEqual([toolModule(tool), tool.version], [pin.module, pin.version]);
    }
  });

  test("crds/flux.yaml is built from the same versions and installs every controller's CRDs", async () => {
    const text = readFileSync(join(repoRoot, crdFiles.flux), "utf8");
    const header = text.split("\n")[0]!;
    for (const pin of fluxControllers) assert.ok(header.includes(`${pin.module}@${pin.version}`), header);
    const objects = parseAllDocuments(text).map(
      (document) => document.toJS() as { kind: string; metadata: { name: string } },
    );
    const installed = objects
      .filter((object) => object.kind === "CustomResourceDefinition")
      .map((crd) => crd.metadata.name);
    for (const group of ["source", "kustomize", "notification"])
      assert.ok(
        installed.some((name) => name.endsWith(`.${group}.toolkit.fluxcd.io`)),
        `${group}.toolkit.fluxcd.io CRDs are installed`,
      );
    // The schemas check validates against are read from the same CRDs.
    const sources = JSON.parse(readFileSync(join(repoRoot, "schemas/sources.json"), "utf8")) as {
      module: string;
      version: string;
      output: string;
    }[];
    const fluxSchemas = sources.filter((source) => source.module.startsWith("github.com/fluxcd/"));
    assert.deepEqual(
      fluxSchemas.map((source) => source.output.replace(/^crds\/(.*)\.json$/, "$1")).sort(),
      [...installed].sort(),
    );
    for (const source of fluxSchemas)
      assert.equal(
        source.version,
        fluxControllers.find((pin) => pin.module === source.module)?.version,
        `${source.output} comes from ${source.module}@${source.version}`,
      );
  });

  test("every tool the tests use was built from its pinned module version", async () => {
    for (const tool of goTools.filter((candidate) => candidate.forTests)) {
      const binary = join(toolsBinDir(repoRoot), tool.name);
      const info = String((await execa("go", ["version", "-m", binary])).stdout);
      assert.match(
        info,
        new RegExp(
          `^\\s+(mod|dep)\\s+${toolModule(tool).replaceAll(".", "\\.")}\\s+${tool.version.replaceAll(".", "\\.")}\\s`,
          "m",
        ),
        `${binary} embeds ${toolModule(tool)} ${tool.version}`,
      );
    }
    // check's kustomize-json and the kustomize CLI are the same kustomize library.
    const kustomizeLibrary = goTool("kustomize-json")!;
    assert.match(
      String((await execa("go", ["version", "-m", join(toolsBinDir(repoRoot), "kustomize")])).stdout),
      new RegExp(
        `^\\s+dep\\s+${toolModule(kustomizeLibrary).replaceAll(".", "\\.")}\\s+${kustomizeLibrary.version}\\s`,
        "m",
      ),
    );
    // A tool's go environment reaches its build: the e2e stand-in is static, for any image's C library.
    for (const tool of goTools.filter((candidate) => candidate.env?.CGO_ENABLED === "0"))
      assert.match(
        String((await execa("go", ["version", "-m", join(toolsBinDir(repoRoot), tool.name)])).stdout),
        /^\s+build\s+CGO_ENABLED=0$/m,
        tool.name,
      );
    for (const name of ["kube-apiserver", "kube-controller-manager", "kube-scheduler"]) {
      const reported = await execa(join(toolsBinDir(repoRoot), name), ["--version"]);
      assert.equal(String(reported.stdout).trim(), `Kubernetes ${kubernetesVersion}`, name);
    }
  });
});
