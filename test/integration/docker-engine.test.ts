import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, it } from "node:test";
import { execa } from "execa";
import { startDockerEngine } from "../support/docker-engine.ts";
import { repoRoot } from "../support/repo-fixture.ts";

/** The tests' private Docker engine (test/support/docker-engine.ts): its own of everything, and gone after. */
describe("the test Docker engine", () => {
  it("runs its own daemon on its own socket and folders, with docker compose as a plugin, and leaves nothing behind", async () => {
    const defaultSocketBefore = existsSync("/var/run/docker.sock");
    const engine = await startDockerEngine(repoRoot);
    const folder = dirname(engine.host.replace(/^unix:\/\//, ""));
    const pid = Number(readFileSync(join(folder, "dockerd.pid"), "utf8"));
    try {
      assert.match(engine.host, new RegExp(`^unix://${tmpdir()}/j4d-\\w+/docker\\.sock$`));
      assert.equal(engine.env.DOCKER_HOST, engine.host);
      const info = String(
        (await engine.docker(["info", "--format", "{{.DockerRootDir}}|{{.Driver}}|{{.ServerVersion}}"])).stdout,
      );
      assert.equal(info.split("|").slice(0, 2).join("|"), `${folder}/data|${engine.storageDriver}`);
      assert.match(info.split("|")[2]!, /^20\.10\./, "Debian's docker.io");
      assert.equal(String((await engine.docker(["compose", "version"])).stdout), "Docker Compose version v2.40.3");
      assert.ok(existsSync(`/proc/${pid}`));
      assert.equal(existsSync("/var/run/docker.sock"), defaultSocketBefore, "the default socket is not touched");
    } finally {
      await engine.stop();
    }
    assert.ok(!existsSync(`/proc/${pid}`), "the daemon is gone");
    assert.ok(!existsSync(folder), "its folder is removed");
    assert.ok(!readFileSync("/proc/self/mountinfo", "utf8").includes(folder), "nothing of it stays mounted");
  });

  it("ends its daemon when the process that started it exits without stopping it", async () => {
    const crashed = await execa(
      process.execPath,
      [
        "--import",
        "tsx",
        "--input-type=module",
        "--eval",
        `import { startDockerEngine } from ${JSON.stringify(join(repoRoot, "test/support/docker-engine.ts"))};
         const engine = await startDockerEngine(${JSON.stringify(repoRoot)});
         process.stdout.write(engine.host);
         process.exit(3);`,
      ],
      { reject: false, cwd: repoRoot },
    );
    assert.equal(crashed.exitCode, 3, crashed.stderr);
    const folder = dirname(String(crashed.stdout).replace(/^unix:\/\//, ""));
    const pid = Number(readFileSync(join(folder, "dockerd.pid"), "utf8"));
    const deadline = Date.now() + 30_000;
    while (existsSync(`/proc/${pid}`) && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 200));
    assert.ok(!existsSync(`/proc/${pid}`), "the daemon ended with the process");
    rmSync(folder, { recursive: true, force: true });
  });

  it("fails naming the daemon and the end of its log when it does not come up, and keeps its folder", async () => {
    const before = new Set(readdirSync(tmpdir()).filter((name) => name.startsWith("j4d-")));
    const stderr = process.stderr.write.bind(process.stderr);
    let printed = "";
    process.stderr.write = ((text: string) => ((printed += text), true)) as typeof process.stderr.write;
    try {
      await assert.rejects(
        startDockerEngine(repoRoot, { daemonArgs: ["--default-runtime=no-such-runtime"] }),
        (error: Error) => {
          assert.match(error.message, /^dockerd exited \(1\) before it came up; the end of \S+\/dockerd\.log:\n/);
          assert.match(error.message, /no-such-runtime/);
          return true;
        },
      );
    } finally {
      process.stderr.write = stderr;
    }
    const kept = readdirSync(tmpdir()).filter((name) => name.startsWith("j4d-") && !before.has(name));
    assert.equal(kept.length, 1);
    assert.match(printed, new RegExp(`is kept in ${join(tmpdir(), kept[0]!)}`));
    rmSync(join(tmpdir(), kept[0]!), { recursive: true, force: true });
  });
});
