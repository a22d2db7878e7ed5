import assert from "node:assert/strict";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, test } from "node:test";
import { execa } from "execa";
import { diskFiles } from "../../../src/io/source-files.ts";
import { loadProject } from "../../../src/values/load.ts";
import { repoRoot as repositoryRoot } from "../../support/repo-fixture.ts";
import type { ControlPlane } from "../../support/control-plane.ts";

const project = loadProject(diskFiles(repositoryRoot));
const kindModel = project.stages.find((model) => model.stage.platform === "kind")!;
const namespace = kindModel.values.namespace;
const defaults = {
  ui: kindModel.values.services.ui!.image,
  hasura: kindModel.values.services.hasura!.image,
  auth: kindModel.values.services.auth!.image,
};

/** Serves a git repository like GitHub: `/archive/<ref>.tar.gz` and `/raw/<ref>/<path>`. */
function gitServer(repo: string): Promise<{ server: Server; url: string }> {
  const server = createServer(async (request, response) => {
    const url = request.url ?? "";
    const archive = /^\/archive\/(.+)\.tar\.gz$/.exec(url);
    const raw = /^\/raw\/([^/]+)\/(.+)$/.exec(url);
    const result = archive
      ? await execa("git", ["archive", "--format=tar.gz", `--prefix=jore4-flux-${archive[1]}/`, archive[1]!], {
          cwd: repo,
          encoding: "buffer",
          reject: false,
        })
      : raw
        ? await execa("git", ["show", `${raw[1]}:${raw[2]}`], { cwd: repo, encoding: "buffer", reject: false })
        : undefined;
    if (!result || result.exitCode !== 0) {
      response.writeHead(404).end("not found\n");
      return;
    }
    response.writeHead(200).end(Buffer.from(result.stdout as Uint8Array));
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      const address = server.address() as { port: number };
      resolve({ server, url: `http://127.0.0.1:${address.port}` });
    }),
  );
}

/** The script's own temp folders (tsx keeps its compile cache in TMPDIR too; that is not the script's). */
const scriptTempFiles = (dir: string) => readdirSync(dir).filter((name) => name.startsWith("jore4-flux-e2e."));

/** Registers the suite; `controlPlane` is the one control plane of the test run. */
export function remoteSuite(controlPlane: () => ControlPlane): void {
  describe("remotecluster.sh: the e2e bootstrap other repositories run with curl | bash", () => {
    let plane: ControlPlane;
    let scratch: string;
    let http: { server: Server; url: string };

    before(async () => {
      plane = controlPlane();
      scratch = mkdtempSync(join(tmpdir(), "jore4-flux-remote-test-"));
      // A repository holding this work tree's files, with the e2e branch and a pinned tag.
      const repo = join(scratch, "repo");
      const listed = await execa("git", ["ls-files", "--cached", "--others", "--exclude-standard", "-z"], {
        cwd: repositoryRoot,
      });
      for (const file of String(listed.stdout).split("\0").filter(Boolean)) {
        mkdirSync(dirname(join(repo, file)), { recursive: true });
        cpSync(join(repositoryRoot, file), join(repo, file), { dereference: false });
      }
      const git = (...args: string[]) =>
        execa("git", ["-c", "user.name=test", "-c", "user.email=test@example.org", ...args], { cwd: repo });
      await git("init", "-q", "-b", "main");
      await git("add", "-A");
      await git("commit", "-q", "-m", "snapshot");
      await git("branch", "e2e");
      await git("tag", "e2e-pinned");
      http = await gitServer(repo);
    });
    after(async () => {
      http?.server.close();
      rmSync(scratch, { recursive: true, force: true });
    });

    async function bootstrap(env: Record<string, string | undefined>) {
      const temp = mkdtempSync(join(scratch, "tmp-"));
      const result = await execa(
        "bash",
        [
          "-c",
          `set -o pipefail; curl -fsSL "${http.url}/raw/${env.E2E_SCRIPTS_VERSION ?? "e2e"}/remotecluster.sh" | bash -s -- --no-wait`,
        ],
        {
          env: {
            ...plane.env,
            JORE4_FLUX_BASE_URL: `${http.url}/archive`,
            E2E_KUBE_CONTEXT: plane.contexts[kindModel.stage.name],
            TMPDIR: temp,
            npm_config_prefer_offline: "true",
            UI_DOCKER_IMAGE: undefined,
            HASURA_DOCKER_IMAGE: undefined,
            AUTH_DOCKER_IMAGE: undefined,
            ...env,
          },
          extendEnv: false,
          reject: false,
        },
      );
      return { exitCode: result.exitCode, stderr: String(result.stderr), leftovers: scriptTempFiles(temp) };
    }

    async function images(): Promise<Record<string, string>> {
      const listed = JSON.parse(await plane.kubectl(["get", "deployments", "-n", namespace, "-o", "json"])) as {
        items: { metadata: { name: string }; spec: { template: { spec: { containers: { image: string }[] } } } }[];
      };
      return Object.fromEntries(
        listed.items.map((item) => [
          item.metadata.name.replace(/^jore4-/, ""),
          item.spec.template.spec.containers[0]!.image,
        ]),
      );
    }

    test("no overrides: the stage's default images", async () => {
      const result = await bootstrap({});
      assert.equal(result.exitCode, 0, result.stderr);
      const applied = await images();
      assert.deepEqual({ ui: applied.ui, hasura: applied.hasura, auth: applied.auth }, defaults);
      assert.deepEqual(result.leftovers, [], "temp files are removed");
    });

    test("all three overrides replace the images", async () => {
      const result = await bootstrap({
        UI_DOCKER_IMAGE: "hsldevcom/jore4-ui:latest",
        HASURA_DOCKER_IMAGE: "example.org/mirror/jore4-hasura:pr-12",
        AUTH_DOCKER_IMAGE: "hsldevcom/jore4-auth@sha256:" + "a".repeat(64),
      });
      assert.equal(result.exitCode, 0, result.stderr);
      const applied = await images();
      assert.equal(applied.ui, "hsldevcom/jore4-ui:latest");
      assert.equal(applied.hasura, "example.org/mirror/jore4-hasura:pr-12");
      assert.equal(applied.auth, "hsldevcom/jore4-auth@sha256:" + "a".repeat(64));
      assert.deepEqual(result.leftovers, []);
    });

    test("some overrides, at a pinned ref: an empty variable and an unset one keep the defaults", async () => {
      const result = await bootstrap({
        E2E_SCRIPTS_VERSION: "e2e-pinned",
        UI_DOCKER_IMAGE: "hsldevcom/jore4-ui:some",
        HASURA_DOCKER_IMAGE: "",
      });
      assert.equal(result.exitCode, 0, result.stderr);
      assert.match(result.stderr, /fetching jore4-flux at e2e-pinned/);
      const applied = await images();
      assert.equal(applied.ui, "hsldevcom/jore4-ui:some");
      assert.equal(applied.hasura, defaults.hasura);
      assert.equal(applied.auth, defaults.auth);
      assert.deepEqual(result.leftovers, []);
    });

    test("a failure (unknown ref) fails the script and still removes its temp files", async () => {
      const temp = mkdtempSync(join(scratch, "tmp-"));
      const result = await execa("bash", [join(repositoryRoot, "remotecluster.sh")], {
        env: {
          ...plane.env,
          JORE4_FLUX_BASE_URL: `${http.url}/archive`,
          E2E_SCRIPTS_VERSION: "no-such-ref",
          TMPDIR: temp,
        },
        reject: false,
      });
      assert.notEqual(result.exitCode, 0);
      assert.match(String(result.stderr), /404/);
      assert.deepEqual(scriptTempFiles(temp), []);
    });
  });
}
