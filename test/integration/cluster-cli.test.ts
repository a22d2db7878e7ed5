import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { execa } from "execa";
import { parse } from "yaml";
import { stageContext } from "../../src/cluster/context-guard.ts";
import { expandStagePattern } from "../../src/config/project.ts";
import { diskFiles } from "../../src/io/source-files.ts";
import { toolsBinDir } from "../../src/tools/paths.ts";
import { loadProject } from "../../src/values/load.ts";
import { runCli } from "../support/cli.ts";
import { repoRoot as repositoryRoot } from "../support/repo-fixture.ts";

const { config, stages } = loadProject(diskFiles(repositoryRoot));
const aks = stages.find((model) => model.stage.platform === "aks")!;
const kind = stages.find((model) => model.stage.platform === "kind")!;

/**
 * Commands that reach the cloud or need Docker (az, kind, helm's chart download) tested up to
 * their command lines, and the errors when those tools are missing. The PATH holds only node,
 * git, bash basics and links to our kubectl and kustomize: no az, kind or helm.
 */
describe("cloud and kind commands, up to their command lines", () => {
  let scratch: string;
  let env: Record<string, string>;
  before(() => {
    scratch = mkdtempSync(join(tmpdir(), "jore4-flux-cli-test-"));
    const bin = join(scratch, "bin");
    mkdirSync(bin);
    for (const tool of ["kubectl", "kustomize"]) symlinkSync(join(toolsBinDir(repositoryRoot), tool), join(bin, tool));
    symlinkSync(process.execPath, join(bin, "node"));
    // An empty tool cache: .tools/bin links are then not "ours", so helm (if linked there) is not found either.
    env = {
      ...(process.env as Record<string, string>),
      PATH: `${bin}:/usr/bin:/bin`,
      JORE4_FLUX_TOOLS_CACHE: join(scratch, "no-cache"),
      KUBECONFIG: join(scratch, "kubeconfig"),
    };
    writeFileSync(
      env.KUBECONFIG!,
      `apiVersion: v1\nkind: Config\ncontexts: [{name: ${stageContext(config, aks.stage)}, context: {cluster: x}}]\nclusters: [{name: x, cluster: {server: "https://127.0.0.1:1"}}]\ncurrent-context: ${stageContext(config, aks.stage)}\n`,
    );
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  test("login --dry-run prints the az commands and the namespace step, with names from the configuration", async () => {
    const result = await runCli(repositoryRoot, ["login", aks.stage.name, "--dry-run"], env);
    assert.equal(result.exitCode, 0, result.stderr);
    const commands = result.stdout.split("\n").filter((line) => line && !line.startsWith("#"));
    assert.deepEqual(commands, [
      "az login",
      `az account set --subscription ${config.aks.subscription}`,
      `az aks get-credentials --resource-group ${expandStagePattern(config.aks.resourceGroup, aks.stage.name)} --name ${expandStagePattern(config.aks.cluster, aks.stage.name)} --context ${stageContext(config, aks.stage)} --overwrite-existing`,
      `kubectl config set-context ${stageContext(config, aks.stage)} --namespace=${aks.values.namespace}`,
    ]);
  });

  test("login without az installed fails clearly, before running anything", async () => {
    const result = await runCli(repositoryRoot, ["login", aks.stage.name], env);
    assert.equal(result.exitCode, 3);
    assert.match(result.stderr, /error: az is not installed \(not found on PATH\)\nhint: install the Azure CLI/);
  });

  test("login to an unknown stage names the known ones", async () => {
    const result = await runCli(repositoryRoot, ["login", "staging", "--dry-run"], env);
    assert.equal(result.exitCode, 2);
    assert.match(
      result.stderr,
      new RegExp(
        `unknown stage 'staging'; stages in jore4-flux.yaml: ${config.stages.map((stage) => stage.name).join(", ")}`,
      ),
    );
  });

  test("deploy crds on AKS runs Helm with the chart of the configuration; without helm it says how to get it", async () => {
    const dry = await runCli(repositoryRoot, ["deploy", "crds", aks.stage.name, "--dry-run"], env);
    assert.equal(dry.exitCode, 0, dry.stderr);
    const driver = config.aks.secretStoreDriver;
    assert.ok(
      dry.stdout.includes(
        `helm upgrade --install ${driver.chart} ${driver.chart} --repo ${driver.chartRepository} --version ${driver.version} --namespace ${driver.namespace} --create-namespace --take-ownership --kube-context ${stageContext(config, aks.stage)} --wait`,
      ),
      dry.stdout,
    );
    const real = await runCli(
      repositoryRoot,
      ["deploy", "crds", aks.stage.name, "--skip", "flux", "--skip", "secret-store-crds"],
      env,
    );
    assert.equal(real.exitCode, 3);
    assert.match(real.stderr, /helm is not installed.*\nhint: build it with `npx jore4-flux tools install helm`/);
    const unknown = await runCli(
      repositoryRoot,
      ["deploy", "crds", aks.stage.name, "--dry-run", "--skip", "nothing"],
      env,
    );
    assert.equal(unknown.exitCode, 2);
  });

  test("kind config: the node labelled ingress-ready, host ports from the values", async () => {
    const result = await runCli(repositoryRoot, ["kind", "config"], env);
    assert.equal(result.exitCode, 0, result.stderr);
    const rendered = parse(result.stdout) as {
      name: string;
      nodes: {
        role: string;
        labels: Record<string, string>;
        extraPortMappings: { hostPort: number; containerPort: number }[];
      }[];
    };
    assert.equal(rendered.name, config.kind.cluster);
    assert.deepEqual(rendered.nodes[0]!.labels, { "ingress-ready": "true" });
    const expected = [{ hostPort: kind.values.ingress.hostPort!, containerPort: 80 }];
    for (const service of Object.values(kind.values.services))
      if (service.enabled && service.hostPort && service.nodePort)
        expected.push({ hostPort: service.hostPort, containerPort: service.nodePort });
    assert.deepEqual(
      rendered.nodes[0]!.extraPortMappings.map(({ hostPort, containerPort }) => ({ hostPort, containerPort })),
      expected,
    );
  });

  test("the committed kind picture (docs/kindcluster.dot) is the one the values give", async () => {
    const result = await runCli(repositoryRoot, ["kind", "diagram"], env);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(
      `${result.stdout}\n`,
      readFileSync(join(repositoryRoot, "docs", "kindcluster.dot"), "utf8"),
      "run `npx jore4-flux kind diagram > docs/kindcluster.dot` and render it with dot",
    );
    assert.match(result.stdout, new RegExp(`"host:${kind.values.ingress.hostPort}" -> "node:80"`));
  });

  test("kind up --dry-run: kind create with the rendered config, then crds and the cluster, nothing contacted", async () => {
    const result = await runCli(
      repositoryRoot,
      ["kind", "up", "--dry-run", "--cluster", `${config.paths.clusters}/${kind.stage.name}`],
      env,
    );
    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(
      result.stdout,
      new RegExp(
        `# 1\\. create the kind cluster ${config.kind.cluster}.*\nkind create cluster --name ${config.kind.cluster} --config - --wait 90s <<'EOF'\n# kind cluster`,
      ),
    );
    assert.match(
      result.stdout,
      /kubectl --context kind-jore4-local-cluster delete validatingwebhookconfiguration ingress-nginx-admission/,
    );
    assert.match(result.stdout, /wait up to 180 s for Deployment ingress-nginx\/ingress-nginx-controller/);
    assert.match(result.stdout, new RegExp(`apply \\d+ objects of stage ${kind.stage.name}`));
    const ownConfig = join(scratch, "kind.yaml");
    writeFileSync(ownConfig, "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\n");
    const withFile = await runCli(repositoryRoot, ["kind", "start", "--dry-run", "--kindconfig", ownConfig], env);
    assert.match(
      withFile.stdout,
      new RegExp(`kind create cluster --name ${config.kind.cluster} --config ${ownConfig} --wait 90s$`, "m"),
    );
    assert.match(
      (await runCli(repositoryRoot, ["kind", "stop", "--dry-run"], env)).stdout,
      new RegExp(`kind delete cluster --name ${config.kind.cluster}`),
    );
  });

  test("kind commands without kind installed fail clearly", async () => {
    for (const args of [
      ["kind", "start"],
      ["kind", "stop"],
      ["kind", "check"],
    ]) {
      const result = await runCli(repositoryRoot, args, env);
      assert.equal(result.exitCode, 3, args.join(" "));
      assert.match(result.stderr, /kind is not installed \(not found on PATH\)\nhint: install kind/);
    }
  });

  test("the seed's wrappers keep their commands", async () => {
    const kubernetes = await execa(
      join(repositoryRoot, "kubernetes.sh"),
      ["deploy:cluster", aks.stage.name, "--dry-run"],
      { env, reject: false },
    );
    assert.equal(kubernetes.exitCode, 0, String(kubernetes.stderr));
    assert.match(
      String(kubernetes.stdout),
      new RegExp(`kubectl --context ${stageContext(config, aks.stage)} apply --server-side`),
    );
    const kindStart = await execa(
      join(repositoryRoot, "kindcluster.sh"),
      ["start", `--cluster=${config.paths.clusters}/${kind.stage.name}`, "--dry-run"],
      { env, reject: false },
    );
    assert.equal(kindStart.exitCode, 0, String(kindStart.stderr));
    assert.match(String(kindStart.stdout), /kind create cluster/);
    const crd = await execa(join(repositoryRoot, "kindcluster.sh"), ["deploy:crd", "--dry-run"], {
      env,
      reject: false,
    });
    assert.match(String(crd.stdout), /crds\/ingress-nginx-kind\.yaml/);
    const usage = await execa(join(repositoryRoot, "kubernetes.sh"), ["nonsense"], { env, reject: false });
    assert.equal(usage.exitCode, 2);
    assert.match(String(usage.stderr), /deploy:crd <stage>/);
  });
});
