import assert from "node:assert/strict";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { before, describe, test } from "node:test";
import { diskFiles } from "../../../src/io/source-files.ts";
import { loadProject } from "../../../src/values/load.ts";
import { runCli } from "../../support/cli.ts";
import { foreignContext, type ControlPlane } from "../../support/control-plane.ts";
import { repoRoot as repositoryRoot } from "../../support/repo-fixture.ts";

const project = loadProject(diskFiles(repositoryRoot));
const fluxNamespace = project.config.flux.namespace;
const kindStage = project.stages.find((model) => model.stage.platform === "kind")!.stage.name;
const confirmed = project.stages.find((model) => model.stage.confirm)!.stage.name;
const holdFinalizer = "jore4-flux.test/hold";
const fluxFinalizer = "finalizers.fluxcd.io";
const workloadNamespace = "uninstall-workload";

/** Registers the suite; runs after the deploy suite (which installed Flux with `deploy crds`). */
export function uninstallSuite(controlPlane: () => ControlPlane): void {
  describe("uninstall flux against a real kube-apiserver", () => {
    let plane: ControlPlane;
    const cli = (...args: string[]) => runCli(repositoryRoot, args, plane.env as Record<string, string>);
    const uninstall = () =>
      cli("uninstall", "flux", kindStage, "--context", plane.contexts[kindStage]!, "--timeout", "2");
    const exists = async (args: string[]) =>
      (await plane.kubectl(["get", ...args, "--ignore-not-found", "-o", "name"])).trim() !== "";

    before(async () => {
      plane = controlPlane();
      await plane.kubectl(["apply", "--server-side", "--field-manager=jore4-flux", "-f", "crds/flux.yaml"]);
      // What a Flux-synced stage holds: a source and a pruning Kustomization, both with Flux's
      // finalizer (no controller runs here to remove them), and a workload Flux applied.
      await plane.kubectl(
        ["apply", "-f", "-"],
        [
          "apiVersion: source.toolkit.fluxcd.io/v1",
          "kind: GitRepository",
          `metadata: {name: flux-repo, namespace: ${fluxNamespace}, finalizers: [${fluxFinalizer}]}`,
          "spec: {url: 'http://127.0.0.1:9/repo.git', interval: 1m, ref: {branch: dev}}",
          "---",
          "apiVersion: kustomize.toolkit.fluxcd.io/v1",
          "kind: Kustomization",
          `metadata: {name: flux-system-sync, namespace: ${fluxNamespace}, finalizers: [${fluxFinalizer}]}`,
          "spec: {interval: 1m, path: ./clusters/dev, prune: true, sourceRef: {kind: GitRepository, name: flux-repo}}",
          "---",
          "apiVersion: v1",
          "kind: Namespace",
          `metadata: {name: ${workloadNamespace}}`,
          "---",
          "apiVersion: v1",
          "kind: ConfigMap",
          `metadata: {name: applied-by-flux, namespace: ${workloadNamespace}}`,
          "data: {a: b}",
          "",
        ].join("\n"),
      );
      // A finalizer nobody removes: the namespace will hang in Terminating, as the README describes.
      await plane.kubectl([
        "patch",
        "namespace",
        fluxNamespace,
        "--type=merge",
        "-p",
        JSON.stringify({ metadata: { finalizers: [holdFinalizer] } }),
      ]);
    });

    test("--dry-run prints every step, the finalize subresource included, and contacts no cluster", async () => {
      const env = { ...plane.env, KUBECONFIG: join(tmpdir(), "jore4-flux-no-such-kubeconfig") };
      const result = await runCli(
        repositoryRoot,
        ["uninstall", "flux", kindStage, "--dry-run"],
        env as Record<string, string>,
      );
      assert.equal(result.exitCode, 0, result.stderr);
      const context = plane.contexts[kindStage]!;
      const lines = result.stdout.split("\n");
      const order = [
        `kubectl --context ${context} patch '<kind>.<group>' '<name>' -n '<namespace>' --type=merge -p '{"spec":{"suspend":true}}'`,
        `kubectl --context ${context} delete -n ${fluxNamespace} `,
        `kubectl --context ${context} patch '<kind>.<group>' '<name>' -n '<namespace>' --type=merge -p '{"metadata":{"finalizers":null}}'`,
        `kubectl --context ${context} delete customresourcedefinitions `,
        `kubectl --context ${context} delete namespace ${fluxNamespace} --ignore-not-found --wait=false`,
        `kubectl --context ${context} replace --raw /api/v1/namespaces/${fluxNamespace}/finalize -f -`,
      ].map((prefix) => lines.findIndex((line) => line.startsWith(prefix)));
      assert.match(
        result.stdout,
        /delete -n \S+ (?=.*deployment\.apps\/source-controller)(?=.*deployment\.apps\/kustomize-controller)/,
      );
      assert.match(
        result.stdout,
        /delete customresourcedefinitions .*gitrepositories\.source\.toolkit\.fluxcd\.io.*kustomizations\.kustomize\.toolkit\.fluxcd\.io/,
      );
      assert.ok(
        order.every((index, at) => index >= 0 && (at === 0 || index > order[at - 1]!)),
        `steps in order ${order.join(", ")}:\n${result.stdout}`,
      );
      assert.ok(await exists(["namespace", fluxNamespace]), "nothing was deleted");
    });

    test("the wrong context and an unconfirmed prod are refused, and nothing is deleted", async () => {
      const foreign = await cli("uninstall", "flux", kindStage, "--context", foreignContext);
      assert.equal(foreign.exitCode, 4);
      assert.match(foreign.stderr, /refusing to touch stage .*--context is some-other-cluster/);
      const prod = await cli("uninstall", "flux", confirmed, "--context", plane.contexts[confirmed]!);
      assert.equal(prod.exitCode, 4);
      assert.match(prod.stderr, /needs confirmation; nothing was applied/);
      assert.ok(await exists(["crd", "kustomizations.kustomize.toolkit.fluxcd.io"]));
      assert.ok(await exists(["deployment", "source-controller", "-n", fluxNamespace]));
    });

    test("uninstall removes the controllers, the CRDs and a namespace hung in Terminating; the workloads stay", async () => {
      // The Flux objects holding finalizers now: this suite's own, and any an earlier suite's Flux sync left.
      const fluxKinds = "gitrepositories,kustomizations,providers.notification.toolkit.fluxcd.io,alerts";
      const held = (
        JSON.parse(await plane.kubectl(["get", fluxKinds, "-n", fluxNamespace, "-o", "json"])) as {
          items: { metadata: { finalizers?: string[] } }[];
        }
      ).items.filter((item) => (item.metadata.finalizers ?? []).length > 0).length;
      assert.ok(held >= 2, `the suite's GitRepository and Kustomization hold finalizers (${held})`);
      const result = await uninstall();
      assert.equal(result.exitCode, 0, result.stderr);
      assert.match(result.stderr, /Flux uninstalled \(\d+ object\(s\) deleted/);
      assert.match(
        result.stderr,
        new RegExp(`namespace ${fluxNamespace} still Terminating after 2 s \\(finalizers: ${holdFinalizer}`),
      );
      assert.match(
        result.stderr,
        new RegExp(`${held} object\\(s\\) unblocked; the namespace's finalizers were cleared`),
      );
      assert.equal(await exists(["namespace", fluxNamespace]), false, "the namespace is gone");
      for (const crd of ["gitrepositories.source.toolkit.fluxcd.io", "kustomizations.kustomize.toolkit.fluxcd.io"])
        assert.equal(await exists(["crd", crd]), false, crd);
      for (const cluster of ["clusterrole", "clusterrolebinding"])
        assert.equal(
          (await plane.kubectl(["get", cluster, "-o", "name"])).includes("flux"),
          false,
          `no Flux ${cluster} left`,
        );
      assert.ok(await exists(["configmap", "applied-by-flux", "-n", workloadNamespace]), "what Flux applied stays");
      const again = await uninstall();
      assert.equal(again.exitCode, 0, `a second run finds nothing to do: ${again.stderr}`);
      assert.match(
        again.stderr,
        new RegExp(
          `stage ${kindStage}: no Flux installation found \\(no controllers, CRDs or namespace ${fluxNamespace}\\): nothing to remove`,
        ),
      );
      assert.doesNotMatch(again.stderr, /Flux uninstalled/);
      const json = await cli(
        "uninstall",
        "flux",
        kindStage,
        "--context",
        plane.contexts[kindStage]!,
        "--timeout",
        "2",
        "--json",
      );
      assert.equal(json.exitCode, 0, json.stderr);
      assert.deepEqual(JSON.parse(json.stdout), {
        stage: kindStage,
        context: plane.contexts[kindStage],
        applied: false,
        removed: [],
        unblocked: [],
        namespaceFinalized: false,
      });
    });
  });
}
