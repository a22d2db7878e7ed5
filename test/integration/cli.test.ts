import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { CommandUnknownOpts } from "@commander-js/extra-typings";
import { program } from "../../src/cli/main.ts";
import type { ProcessRunner } from "../../src/context.ts";
import { ExitCode } from "../../src/errors.ts";
import { toolsBinDir } from "../../src/tools/paths.ts";
import { runBinary, runCli, testContext } from "../support/cli.ts";
import { repoRoot } from "../support/repo-fixture.ts";
import { startTestRegistry } from "../support/registry.ts";
import { commitImage, createStageRepo, git, type StageRepo } from "../support/stage-repo.ts";

/** Every command (by its full name, e.g. `deploy cluster`) that has a --json option. */
function jsonCommands(command: CommandUnknownOpts, prefix = ""): string[] {
  const name = prefix ? `${prefix} ${command.name()}` : "";
  const own = command.options.some((option) => option.long === "--json") ? [name] : [];
  return [...own, ...command.commands.flatMap((sub) => jsonCommands(sub, name || " "))].map((entry) => entry.trim());
}

describe("--json: exactly one JSON document on stdout, for every command that has it", () => {
  let repo: StageRepo;
  // The stage repository has no .tools/bin of its own: the tools come from this checkout's.
  const env = { PATH: `${toolsBinDir(repoRoot)}${delimiter}${process.env.PATH ?? ""}` };
  const known = jsonCommands(program(testContext()));
  const seen = new Set<string>();
  const commandOf = (args: string[]) =>
    known.filter((name) => args.join(" ").startsWith(`${name} `)).sort((a, b) => b.length - a.length)[0];
  /** Runs a command with --json in the repository: it succeeds, and stdout parses as one JSON document. */
  async function json(args: string[]): Promise<unknown> {
    const result = await runCli(repo.root, [...args, "--json"], env);
    assert.equal(result.exitCode, ExitCode.ok, `${args.join(" ")}: ${result.stderr}`);
    seen.add(commandOf(args) ?? args.join(" "));
    try {
      return JSON.parse(result.stdout) as unknown;
    } catch (error) {
      assert.fail(`${args.join(" ")} --json: stdout is not one JSON document (${String(error)}):\n${result.stdout}`);
    }
  }

  before(async () => (repo = await createStageRepo()));
  after(() => repo.cleanup());

  test("read-only commands", async () => {
    assert.equal((await json(["generate", "--check"])) instanceof Object, true);
    assert.ok(Array.isArray(((await json(["check"])) as { stages: unknown[] }).stages));
    assert.ok(Array.isArray(await json(["check", "--rules"])));
    assert.ok(Array.isArray(await json(["diff", "dev", "prod"])));
    assert.equal(
      ((await json(["set-image", "ui", "hsldevcom/jore4-ui:json-test", "--dry-run"])) as { dryRun: boolean }).dryRun,
      true,
    );
    assert.equal(
      ((await json(["context", "check", "e2e", "--context", "kind-jore4-local-cluster"])) as { ok: boolean }).ok,
      true,
    );
    assert.ok(Array.isArray(await json(["tools", "list"])));
  });

  test("deploy cluster --dry-run --json: the script goes to stderr, stdout holds only the JSON", async () => {
    const result = await runCli(repo.root, ["deploy", "cluster", "e2e", "--dry-run", "--json"], env);
    assert.equal(result.exitCode, 0, result.stderr);
    seen.add("deploy cluster");
    assert.deepEqual(JSON.parse(result.stdout), {
      stage: "e2e",
      context: "kind-jore4-local-cluster",
      applied: false,
      changes: [],
      pruned: [],
    });
    assert.match(
      result.stderr,
      /^# 1\. apply \d+ objects of stage e2e\nkubectl --context kind-jore4-local-cluster apply/m,
    );
    const plain = await runCli(repo.root, ["deploy", "cluster", "e2e", "--dry-run"], env);
    assert.match(plain.stdout, /^# 1\. apply \d+ objects of stage e2e$/m);
  });

  test("uninstall flux --dry-run --json: the steps go to stderr, stdout holds only the JSON", async () => {
    // What Flux consists of is read from the checkout's crds/flux.yaml.
    const result = await runCli(repoRoot, ["uninstall", "flux", "e2e", "--dry-run", "--json"], env);
    assert.equal(result.exitCode, 0, result.stderr);
    seen.add("uninstall flux");
    assert.deepEqual(JSON.parse(result.stdout), {
      stage: "e2e",
      context: "kind-jore4-local-cluster",
      applied: false,
      removed: [],
      unblocked: [],
      namespaceFinalized: false,
    });
    assert.match(result.stderr, /replace --raw \/api\/v1\/namespaces\/flux-system\/finalize -f -/);
    const missing = await runCli(repo.root, ["uninstall", "flux", "e2e", "--dry-run"], env);
    assert.equal(missing.exitCode, 2);
    assert.match(missing.stderr, /^error: crds\/flux\.yaml is missing/m);
  });

  test("promotion commands: promote, rollback, hotfix finish, history", async () => {
    const dryRun = (await json(["promote", "main", "dev", "--dry-run", "--no-fetch"])) as { dryRun: boolean };
    assert.equal(dryRun.dryRun, true);
    for (const [from, to] of [
      ["main", "dev"],
      ["dev", "test"],
      ["test", "prod"],
    ] as const) {
      const promoted = (await json(["promote", from, to, "--yes", "--push", "--no-fetch"])) as { commit: string };
      assert.match(promoted.commit, /^[0-9a-f]{40}$/);
    }
    const bad = await commitImage(repo.root, "ui", "hsldevcom/jore4-ui:bad");
    await git(repo.root, "push", "--quiet", "origin", "main");
    const rolledBack = (await json(["rollback", bad, "--push", "--no-fetch"])) as { rolledBack: string };
    assert.equal(rolledBack.rolledBack, bad);
    const started = await runCli(repo.root, ["hotfix", "start", "json-test", "--no-fetch"]);
    assert.equal(started.exitCode, 0, started.stderr);
    await commitImage(repo.root, "ui", "hsldevcom/jore4-ui:hotfix", { stage: "prod" });
    const finished = (await json(["hotfix", "finish", "--yes", "--push", "--no-fetch"])) as { branch: string };
    assert.equal(finished.branch, "hotfix/json-test");
    await git(repo.root, "switch", "--quiet", "main");
    assert.ok(Array.isArray(((await json(["history", "--no-fetch"])) as { services: unknown[] }).services));
  });

  /** `<command> e2e --json` with no cluster to reach: exit 3, e2e unreachable in the JSON that is all of stdout. */
  const unreachable = async (command: "status" | "record") => {
    const result = await runCli(repo.root, [command, "e2e", "--json", "--no-fetch"], {
      ...env,
      KUBECONFIG: join(repo.dir, "no-such-kubeconfig"),
    });
    assert.equal(result.exitCode, ExitCode.failed, result.stderr);
    seen.add(command);
    const parsed = JSON.parse(result.stdout) as { stages: { stage: string; verdict: string }[] } & Record<
      string,
      unknown
    >;
    assert.deepEqual(
      parsed.stages.map(({ stage, verdict }) => ({ stage, verdict })),
      [{ stage: "e2e", verdict: "unreachable" }],
    );
    return { parsed, stderr: result.stderr };
  };

  test("status --json with no cluster to reach: exit 3, and stdout still holds only the JSON", async () => {
    const { parsed, stderr } = await unreachable("status");
    assert.equal(parsed.exitCode, 3);
    assert.match(stderr, /^error: e2e unreachable$/m);
  });

  test("record --json with no cluster to reach: exit 3, nothing recorded, and stdout holds only the JSON", async () => {
    const { parsed, stderr } = await unreachable("record");
    assert.equal(parsed.added, 0);
    assert.match(stderr, /^error: not recorded: e2e \(context kind-jore4-local-cluster: /m);
  });

  test("bundle, and images against a real registry on 127.0.0.1", async () => {
    const output = mkdtempSync(join(tmpdir(), "jore4-flux-json-bundle-"));
    const registry = await startTestRegistry();
    const values = join(repo.root, "values/common.yaml");
    const shipped = readFileSync(values, "utf8");
    try {
      const packed = (await json(["bundle", "--output", join(output, "e2e.tar.gz")])) as { files: string[] };
      assert.ok(packed.files.includes("docker-compose.yml"));
      await registry.pushImage("hsldevcom/jore4-ui", "main-2", { created: "2026-02-01T00:00:00Z" });
      writeFileSync(
        values,
        shipped.replace(/image: hsldevcom\/jore4-ui:\S+/, `image: ${registry.host}/hsldevcom/jore4-ui:main-1`),
      );
      const latest = (await json(["images", "latest", "ui"])) as { images: { latest: string }[] };
      assert.equal(latest.images[0]!.latest, `${registry.host}/hsldevcom/jore4-ui:main-2`);
      const update = (await json(["images", "update", "ui", "--dry-run"])) as { changedValues: boolean };
      assert.equal(update.changedValues, true);
    } finally {
      writeFileSync(values, shipped);
      await registry.stop();
      rmSync(output, { recursive: true, force: true });
    }
  });

  test("no command with --json is left out above", () => {
    assert.deepEqual([...seen].sort(), [...known].sort());
  });
});

describe("unexpected failures", () => {
  const failingRunner: ProcessRunner = async () => {
    throw new TypeError("the runner broke");
  };

  test("end in one line on stderr and exit code 5, never a stack trace", async () => {
    const result = await runCli(repoRoot, ["build", "e2e"], {}, { run: failingRunner });
    assert.equal(result.exitCode, ExitCode.internal);
    assert.equal(result.stdout, "");
    assert.equal(result.stderr, "error: unexpected failure: the runner broke (DEBUG=1 prints the stack trace)");
  });

  test("DEBUG=1 adds the stack trace", async () => {
    const result = await runCli(repoRoot, ["build", "e2e"], { DEBUG: "1" }, { run: failingRunner });
    assert.equal(result.exitCode, ExitCode.internal);
    assert.match(result.stderr, /^error: unexpected failure: the runner broke\nTypeError: the runner broke\n\s+at /);
  });
});

describe("the real binary (smoke tests; everything else runs in-process)", () => {
  const scratch = mkdtempSync(join(tmpdir(), "jore4-flux-binary-"));
  after(() => rmSync(scratch, { recursive: true, force: true }));

  test("--help and --version", async () => {
    const help = await runBinary(repoRoot, ["--help"]);
    assert.equal(help.exitCode, 0, help.stderr);
    assert.match(help.stdout, /^Usage: jore4-flux \[options\] \[command\]/);
    const dirLine = help.stdout.split("\n").find((line) => line.includes("--dir"));
    assert.equal(dirLine?.match(/\(default:/g)?.length, 1, `one default for --dir: ${dirLine}`);
    const version = await runBinary(repoRoot, ["--version"]);
    assert.equal(version.exitCode, 0);
    assert.match(version.stdout, /^\d+\.\d+\.\d+$/);
  });

  test("bad input: a one-line error and exit code 2", async () => {
    const result = await runBinary(repoRoot, ["build", "nope"]);
    assert.equal(result.exitCode, ExitCode.invalid);
    assert.match(result.stderr, /^error: unknown stage 'nope'/);
  });

  test("--json prints one JSON document", async () => {
    const result = await runBinary(repoRoot, ["generate", "--check", "--json"]);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal((JSON.parse(result.stdout) as { upToDate: boolean }).upToDate, true);
  });

  test("an unexpected failure (.tools is a file, not a folder): one line, exit code 5", async () => {
    writeFileSync(join(scratch, "jore4-flux.yaml"), "");
    writeFileSync(join(scratch, ".tools"), "not a folder");
    const result = await runBinary(scratch, ["tools", "install", "kustomize"]);
    assert.equal(result.exitCode, ExitCode.internal, result.stderr);
    assert.match(result.stderr, /^error: unexpected failure: .*\(DEBUG=1 prints the stack trace\)$/);
    const debug = await runBinary(scratch, ["tools", "install", "kustomize"], { DEBUG: "1" });
    assert.equal(debug.exitCode, ExitCode.internal);
    assert.match(debug.stderr, /\n\s+at /);
  });
});
