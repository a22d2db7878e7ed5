import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { parseAllDocuments } from "yaml";
import { crdFiles } from "../../src/cluster/crd-sources.ts";
import { fluxControllers } from "../../src/tools/go-modules.ts";
import { toolsBinDir } from "../../src/tools/paths.ts";
import { runCli } from "../support/cli.ts";
import { repoRoot as repositoryRoot } from "../support/repo-fixture.ts";

/** crds/ is reproducible from the pinned Go modules (go mod download + our kustomize). */
describe("crds build", () => {
  let scratch: string;
  const env = {
    ...(process.env as Record<string, string>),
    PATH: `${toolsBinDir(repositoryRoot)}:${process.env.PATH}`,
  };
  before(() => {
    scratch = mkdtempSync(join(tmpdir(), "jore4-flux-crds-test-"));
    for (const file of ["jore4-flux.yaml", "crds"])
      cpSync(join(repositoryRoot, file), join(scratch, file), { recursive: true });
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  test("the committed files are what the pins produce", async () => {
    const result = await runCli(repositoryRoot, ["crds", "build", "--check"], env);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(result.stderr, /0 of 3 files stale/);
  });

  test("the Flux installation holds the controllers' CRDs and Deployments at the pinned versions", () => {
    const objects = parseAllDocuments(readFileSync(join(repositoryRoot, crdFiles.flux), "utf8")).map(
      (document) =>
        document.toJS() as {
          kind: string;
          metadata: { name: string; namespace?: string };
          spec?: { template?: { spec: { containers: { image: string }[] } } };
        },
    );
    const crds = objects
      .filter((object) => object.kind === "CustomResourceDefinition")
      .map((object) => object.metadata.name);
    assert.ok(
      crds.includes("gitrepositories.source.toolkit.fluxcd.io") &&
        crds.includes("kustomizations.kustomize.toolkit.fluxcd.io"),
    );
    const images = objects
      .filter((object) => object.kind === "Deployment")
      .map((object) => object.spec!.template!.spec.containers[0]!.image)
      .sort();
    assert.deepEqual(
      images,
      fluxControllers.map((pin) => `fluxcd/${pin.module.split("/").pop()}:${pin.version}`).sort(),
    );
    assert.ok(
      objects
        .filter((object) => object.kind === "Deployment")
        .every((object) => object.metadata.namespace === "flux-system"),
    );
  });

  test("an edited file is found stale, and a rebuild restores it", async () => {
    writeFileSync(join(scratch, crdFiles.flux), "# edited\n");
    const check = await runCli(scratch, ["crds", "build", "--check"], env);
    assert.equal(check.exitCode, 1);
    assert.match(check.stderr, /stale: crds\/flux\.yaml/);
    assert.equal((await runCli(scratch, ["crds", "build"], env)).exitCode, 0);
    assert.equal(
      readFileSync(join(scratch, crdFiles.flux), "utf8"),
      readFileSync(join(repositoryRoot, crdFiles.flux), "utf8"),
    );
  });
});
