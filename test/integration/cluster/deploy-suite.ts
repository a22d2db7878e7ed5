import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { parse } from "yaml";
import { stageLabel } from "../../../src/cluster/objects.ts";
import { diskFiles } from "../../../src/io/source-files.ts";
import { loadProject } from "../../../src/values/load.ts";
import { runCli } from "../../support/cli.ts";
import { repoRoot as repositoryRoot } from "../../support/repo-fixture.ts";
import { foreignContext, type ControlPlane } from "../../support/control-plane.ts";

const project = loadProject(diskFiles(repositoryRoot));
const namespace = project.stages[0]!.values.namespace;
const kindStage = project.stages.find((model) => model.stage.platform === "kind")!.stage.name;
const aksStage = project.stages.find((model) => model.stage.platform === "aks")!.stage.name;

interface Item {
  kind: string;
  metadata: { name: string; namespace?: string; resourceVersion: string; labels?: Record<string, string> };
  [key: string]: unknown;
}

/** Registers the suite; `controlPlane` is the one control plane of the test run. */
export function deploySuite(controlPlane: () => ControlPlane): void {
  describe("deploy against a real kube-apiserver", () => {
    let plane: ControlPlane;
    let scratch: string;
    const cli = (...args: string[]) => runCli(repositoryRoot, args, plane.env as Record<string, string>);
    const getJson = async (args: string[]) =>
      JSON.parse(await plane.kubectl(["get", ...args, "-o", "json"])) as { items: Item[] } & Item;
    const exists = async (args: string[]) =>
      (await plane.kubectl(["get", ...args, "--ignore-not-found", "-o", "name"])).trim() !== "";
    const namespaceObjects = async () =>
      (await getJson(["deployments,services,configmaps,secrets,ingresses", "-n", namespace])).items;

    before(async () => {
      plane = controlPlane();
      scratch = mkdtempSync(join(tmpdir(), "jore4-flux-deploy-test-"));
    });
    after(async () => {
      rmSync(scratch, { recursive: true, force: true });
    });

    test("--dry-run prints the exact command and objects and contacts no cluster", async () => {
      const env = { ...plane.env, KUBECONFIG: join(scratch, "no-such-kubeconfig") };
      const result = await runCli(
        repositoryRoot,
        ["deploy", "cluster", kindStage, "--dry-run"],
        env as Record<string, string>,
      );
      assert.equal(result.exitCode, 0, result.stderr);
      assert.match(
        result.stdout,
        new RegExp(
          `kubectl --context ${plane.contexts[kindStage]} apply --server-side --field-manager=jore4-flux -f - <<'EOF'`,
        ),
      );
      assert.match(result.stdout, /kind: Deployment\n/);
      const crds = await runCli(
        repositoryRoot,
        ["deploy", "crds", kindStage, "--dry-run"],
        env as Record<string, string>,
      );
      assert.equal(crds.exitCode, 0, crds.stderr);
      assert.match(crds.stdout, /apply --server-side --field-manager=jore4-flux -f crds\/flux\.yaml/);
      assert.equal(await exists(["namespace", namespace]), false);
    });

    test("--server-dry-run asks the server, prints the change and creates nothing", async () => {
      const result = await cli("deploy", "cluster", kindStage, "--server-dry-run");
      assert.equal(result.exitCode, 0, result.stderr);
      assert.match(result.stdout, new RegExp(`\\+\\+\\+ applied/Deployment/${namespace}/jore4-ui`));
      assert.match(result.stderr, /to create, 0 to change, 0 unchanged.*nothing was applied/);
      assert.equal(await exists(["namespace", namespace]), false);
      assert.equal(await exists(["deployments", "-A"]), false);
    });

    test("the wrong context is refused, naming both, and nothing is applied", async () => {
      const current = await cli("deploy", "cluster", aksStage, "--no-wait");
      assert.equal(current.exitCode, 4);
      assert.match(
        current.stderr,
        new RegExp(
          `current kube context is ${plane.contexts[kindStage]}, but the stage's context is ${plane.contexts[aksStage]}`,
        ),
      );
      const explicit = await cli("deploy", "crds", kindStage, "--context", foreignContext);
      assert.equal(explicit.exitCode, 4);
      assert.match(
        explicit.stderr,
        new RegExp(`--context is ${foreignContext}, but the stage's context is ${plane.contexts[kindStage]}`),
      );
      const check = await cli("context", "check", aksStage);
      assert.equal(check.exitCode, 4);
      assert.equal((await cli("context", "check", kindStage)).exitCode, 0);
      assert.equal(await exists(["namespace", namespace]), false);
      assert.equal(await exists(["crd"]), false);
    });

    test("a stage marked confirm is refused without --yes when nobody can be asked", async () => {
      const confirmed = project.stages.find((model) => model.stage.confirm)!.stage.name;
      const result = await cli("deploy", "cluster", confirmed, "--context", plane.contexts[confirmed]!, "--no-wait");
      assert.equal(result.exitCode, 4);
      assert.match(result.stderr, /needs confirmation; nothing was applied/);
      assert.equal(await exists(["namespace", namespace]), false);
    });

    test("deploy crds installs Flux and ingress-nginx (kind) and the Secrets Store CRDs (AKS)", async () => {
      // As an older install (or the upstream manifest) leaves it: a webhook that blocks every Ingress.
      await plane.kubectl(
        ["apply", "-f", "-"],
        [
          "apiVersion: admissionregistration.k8s.io/v1",
          "kind: ValidatingWebhookConfiguration",
          "metadata: {name: ingress-nginx-admission}",
          "webhooks:",
          "  - name: validate.nginx.ingress.kubernetes.io",
          "    admissionReviewVersions: [v1]",
          "    sideEffects: None",
          "    clientConfig: {service: {name: ingress-nginx-controller-admission, namespace: ingress-nginx, path: /networking/v1/ingresses}}",
          "    rules: [{apiGroups: [networking.k8s.io], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [ingresses]}]",
          "",
        ].join("\n"),
      );
      const kind = await cli("deploy", "crds", kindStage, "--no-wait");
      assert.equal(kind.exitCode, 0, kind.stderr);
      for (const crd of ["gitrepositories.source.toolkit.fluxcd.io", "kustomizations.kustomize.toolkit.fluxcd.io"])
        assert.ok(await exists(["crd", crd]), crd);
      assert.ok(await exists(["deployment", "source-controller", "-n", project.config.flux.namespace]));
      assert.ok(await exists(["deployment", "ingress-nginx-controller", "-n", "ingress-nginx"]));
      assert.equal(
        await exists(["validatingwebhookconfiguration", "ingress-nginx-admission"]),
        false,
        "the admission webhook is removed",
      );
      const aks = await cli(
        "deploy",
        "crds",
        aksStage,
        "--context",
        plane.contexts[aksStage]!,
        "--skip",
        "secret-store-driver",
      );
      assert.equal(aks.exitCode, 0, aks.stderr);
      assert.ok(await exists(["crd", "secretproviderclasses.secrets-store.csi.x-k8s.io"]));
      const versionOf = async (args: string[]) => (await getJson(args)).metadata.resourceVersion;
      const before = [
        await versionOf(["deployment", "ingress-nginx-controller", "-n", "ingress-nginx"]),
        await versionOf(["crd", "gitrepositories.source.toolkit.fluxcd.io"]),
      ];
      const again = await cli("deploy", "crds", kindStage, "--no-wait");
      assert.equal(again.exitCode, 0, again.stderr);
      assert.deepEqual(
        [
          await versionOf(["deployment", "ingress-nginx-controller", "-n", "ingress-nginx"]),
          await versionOf(["crd", "gitrepositories.source.toolkit.fluxcd.io"]),
        ],
        before,
        "a second run changes nothing",
      );
      assert.equal(await exists(["validatingwebhookconfiguration", "ingress-nginx-admission"]), false);
    });

    test("waiting for the ingress controller times out naming its Deployment and why (no node is labelled ingress-ready, as kind labels its node)", async () => {
      const result = await cli("deploy", "crds", kindStage, "--timeout", "1");
      assert.equal(result.exitCode, 3);
      assert.match(result.stderr, /Deployment ingress-nginx\/ingress-nginx-controller: 1\/1 updated, 0\/1 available/);
      assert.match(
        result.stderr,
        /Pod\/ingress-nginx-controller-\S+: Warning FailedScheduling: .*node affinity\/selector/,
      );
    });

    for (const model of project.stages) {
      test(`deploy cluster ${model.stage.name}: the objects carry the values, and a second deploy changes nothing`, async () => {
        const stage = model.stage.name;
        const result = await cli("deploy", "cluster", stage, "--context", plane.contexts[stage]!, "--yes", "--no-wait");
        assert.equal(result.exitCode, 0, result.stderr);
        const values = model.values;
        for (const [name, service] of Object.entries(values.services).filter(([, service]) => service.enabled)) {
          const deployment = await getJson(["deployment", `jore4-${name}`, "-n", namespace]);
          assert.equal(deployment.metadata.labels?.[stageLabel], stage);
          const pod = (
            deployment as unknown as {
              spec: {
                template: {
                  spec: {
                    containers: {
                      image: string;
                      ports: { containerPort: number }[];
                      envFrom?: { configMapRef: { name: string } }[];
                      volumeMounts?: { mountPath: string; readOnly: boolean; name: string }[];
                    }[];
                    volumes?: {
                      name: string;
                      csi?: { volumeAttributes: { secretProviderClass: string } };
                      secret?: { secretName: string };
                    }[];
                  };
                };
              };
            }
          ).spec.template.spec;
          const container = pod.containers[0]!;
          assert.equal(container.image, service.image, `${stage} ${name} image`);
          assert.equal(container.ports[0]!.containerPort, service.containerPort);
          const svc = await getJson(["service", `jore4-${name}`, "-n", namespace]);
          const port = (svc as unknown as { spec: { type: string; ports: { port: number; nodePort?: number }[] } })
            .spec;
          assert.equal(port.type, service.serviceType);
          if (service.nodePort) assert.equal(port.ports[0]!.nodePort, service.nodePort);
          if (Object.keys(service.env).length > 0) {
            const configMap = await getJson(["configmap", `jore4-${name}-env`, "-n", namespace]);
            assert.deepEqual(
              (configMap as unknown as { data: Record<string, string> }).data,
              Object.fromEntries(Object.entries(service.env).map(([key, value]) => [key, String(value)])),
            );
          }
          const secretFiles = Object.keys(service.secrets);
          if (secretFiles.length > 0) {
            const mount = container.volumeMounts!.find(
              (candidate) => candidate.mountPath === values.secretStore.mountPath,
            )!;
            assert.equal(mount.readOnly, true);
            const volume = pod.volumes!.find((candidate) => candidate.name === mount.name)!;
            if (model.stage.platform === "aks") {
              const providerClass = await getJson([
                "secretproviderclass",
                volume.csi!.volumeAttributes.secretProviderClass,
                "-n",
                namespace,
              ]);
              const objects = parse(
                (providerClass as unknown as { spec: { parameters: { objects: string } } }).spec.parameters.objects,
              ) as { array: string[] };
              const aliases = objects.array
                .map((entry) => (parse(entry) as { objectAlias: string }).objectAlias)
                .sort();
              assert.deepEqual(aliases, [...secretFiles].sort());
            } else {
              const secret = await getJson(["secret", volume.secret!.secretName, "-n", namespace]);
              assert.deepEqual(
                Object.keys((secret as unknown as { data: Record<string, string> }).data).sort(),
                [...secretFiles].sort(),
              );
            }
          }
        }
        const versions = new Map(
          (await namespaceObjects()).map((item) => [
            `${item.kind}/${item.metadata.name}`,
            item.metadata.resourceVersion,
          ]),
        );
        const second = await cli("deploy", "cluster", stage, "--context", plane.contexts[stage]!, "--yes", "--no-wait");
        assert.equal(second.exitCode, 0, second.stderr);
        assert.match(second.stderr, /0 created, 0 changed, \d+ unchanged/);
        assert.deepEqual(
          new Map(
            (await namespaceObjects()).map((item) => [
              `${item.kind}/${item.metadata.name}`,
              item.metadata.resourceVersion,
            ]),
          ),
          versions,
        );
      });
    }

    /** The kind stage's committed folder: its kustomization.yaml and the files it lists. */
    const kindStageFiles = () => {
      const source = join(repositoryRoot, project.config.paths.clusters, kindStage);
      const kustomization = readFileSync(join(source, "kustomization.yaml"), "utf8");
      const files = Object.fromEntries(
        (parse(kustomization) as { resources: string[] }).resources.map((file) => [
          file,
          readFileSync(join(source, file), "utf8"),
        ]),
      );
      return { kustomization, files };
    };

    const writeCluster = (name: string, files: Record<string, string>) => {
      const dir = join(scratch, name);
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir);
      for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
      return dir;
    };

    test("the roll-out wait times out naming each Deployment that did not become ready, and why", async () => {
      // The kind stage plus a Deployment no node can take: the others roll out, it never does.
      const { kustomization, files } = kindStageFiles();
      const dir = writeCluster("unschedulable", {
        ...files,
        "kustomization.yaml": `${kustomization.trimEnd()}\n  - unschedulable.yaml\n`,
        "unschedulable.yaml": [
          "apiVersion: apps/v1",
          "kind: Deployment",
          `metadata: {name: unschedulable, namespace: ${namespace}}`,
          "spec:",
          "  selector: {matchLabels: {app: unschedulable}}",
          "  template:",
          "    metadata: {labels: {app: unschedulable}}",
          "    spec:",
          '      nodeSelector: {no-such-node: "true"}',
          "      containers: [{name: main, image: example.org/never:1}]",
          "",
        ].join("\n"),
      });
      const result = await cli("deploy", "cluster", kindStage, "--cluster", dir, "--timeout", "20");
      assert.equal(result.exitCode, 3, result.stderr);
      assert.match(result.stderr, /1 Deployment\(s\) did not become ready within 20 s/);
      assert.match(result.stderr, new RegExp(`Deployment ${namespace}/unschedulable: 1/1 updated, 0/1 available`));
      assert.match(result.stderr, /Pod\/unschedulable-\S+: Warning FailedScheduling: .*node affinity\/selector/);
      assert.doesNotMatch(result.stderr, /Deployment \S+\/jore4-/, "the stage's own Deployments rolled out");
      await plane.kubectl(["delete", "deployment", "unschedulable", "-n", namespace]);
    });

    test("a stage with an invalid object fails before anything is applied", async () => {
      const dir = writeCluster("invalid", {
        "kustomization.yaml": "resources: [objects.yaml]\n",
        "objects.yaml": [
          "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: jore4-fresh\n",
          "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fresh-env\n  namespace: jore4-fresh\ndata:\n  A: b\n",
          `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: also-new\n  namespace: ${namespace}\ndata:\n  A: b\n`,
          "apiVersion: v1\nkind: Service\nmetadata:\n  name: broken\n  namespace: jore4-fresh\nspec:\n  ports:\n    - port: 70000\n",
        ].join("---\n"),
      });
      const result = await cli("deploy", "cluster", kindStage, "--cluster", dir, "--no-wait");
      assert.equal(result.exitCode, 2, result.stderr);
      assert.match(result.stderr, /rejects objects of stage .*nothing was applied/);
      assert.match(result.stderr, /broken/);
      assert.equal(await exists(["namespace", "jore4-fresh"]), false);
      assert.equal(await exists(["configmap", "also-new", "-n", namespace]), false);
    });

    test("--prune deletes what an earlier deploy of the stage applied and the stage no longer has", async () => {
      const { kustomization, files } = kindStageFiles();
      const dir = writeCluster("prune", { ...files, "kustomization.yaml": kustomization });
      assert.equal((await cli("deploy", "cluster", kindStage, "--cluster", dir, "--no-wait")).exitCode, 0);
      assert.ok(await exists(["deployment", "jore4-testdb", "-n", namespace]));
      writeCluster("prune", {
        ...files,
        "kustomization.yaml": kustomization.replace(/^\s*- jore4-testdb\.yaml\n/m, ""),
      });
      const without = await cli("deploy", "cluster", kindStage, "--cluster", dir, "--no-wait");
      assert.equal(without.exitCode, 0, without.stderr);
      assert.ok(await exists(["deployment", "jore4-testdb", "-n", namespace]), "nothing is pruned without --prune");
      const preview = await cli("deploy", "cluster", kindStage, "--cluster", dir, "--prune", "--server-dry-run");
      assert.match(preview.stdout, new RegExp(`would prune Deployment/${namespace}/jore4-testdb`));
      const previewJson = await cli(
        "deploy",
        "cluster",
        kindStage,
        "--cluster",
        dir,
        "--prune",
        "--server-dry-run",
        "--json",
      );
      const plan = JSON.parse(previewJson.stdout) as {
        applied: boolean;
        pruned: string[];
        changes: { change: string }[];
      };
      assert.equal(plan.applied, false);
      assert.deepEqual(plan.pruned.sort(), [
        `ConfigMap/${namespace}/jore4-testdb-env`,
        `Deployment/${namespace}/jore4-testdb`,
        `Service/${namespace}/jore4-testdb`,
      ]);
      assert.ok(plan.changes.every((change) => change.change === "unchanged"));
      assert.ok(await exists(["deployment", "jore4-testdb", "-n", namespace]));
      const pruned = await cli("deploy", "cluster", kindStage, "--cluster", dir, "--prune", "--no-wait");
      assert.equal(pruned.exitCode, 0, pruned.stderr);
      assert.match(pruned.stderr, /3 pruned/);
      for (const object of ["deployment/jore4-testdb", "service/jore4-testdb", "configmap/jore4-testdb-env"])
        assert.equal(await exists([object, "-n", namespace]), false, object);
      assert.ok(await exists(["deployment", "jore4-ui", "-n", namespace]));
      assert.ok(await exists(["namespace", namespace]), "namespaces are never pruned");
    });
  });
}
