import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { appendFileSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { edit, limitRangeManifest, refusesBadInput, type BadInput } from "../support/bad-input.ts";
import { runBinarySync, runCli } from "../support/cli.ts";
import { repoRoot, temporaryRepo } from "../support/repo-fixture.ts";

/**
 * Input a new user really writes, that kustomize, git or a registry would refuse later: `generate`
 * refuses it with exit code 2 and a one-line error naming the file and line, and writes nothing.
 */

const namespaceManifest = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: hsl-jore4\n";

/** A shared plain manifest, as a user adds one (the shipped configuration has none). */
const limitRange = `# Default container resources\n${limitRangeManifest("1Gi")}`;

function addShared(dir: string): void {
  mkdirSync(join(dir, "manifests/all"), { recursive: true });
  writeFileSync(join(dir, "manifests/all/limit-range.yaml"), limitRange);
}

export const cases: BadInput[] = [
  {
    name: "a manifest with the id of a generated object",
    breakIt: (dir) => {
      mkdirSync(join(dir, "manifests/all"));
      writeFileSync(join(dir, "manifests/all/namespace.yaml"), `# the namespace\n${namespaceManifest}`);
    },
    error:
      /^ {2}manifests\/all\/namespace\.yaml:2:1: stage e2e: Namespace\/hsl-jore4 is already defined by clusters\/e2e\/namespace\.yaml \(rendered from values\/common\.yaml, values\/e2e\.yaml\); an object may exist once per stage$/m,
  },
  {
    name: "two manifests with one object id",
    breakIt: (dir) => {
      addShared(dir);
      mkdirSync(join(dir, "manifests/prod"));
      writeFileSync(
        join(dir, "manifests/prod/more-limits.yaml"),
        `---\nkind: ConfigMap\napiVersion: v1\nmetadata: {name: a}\n---\n${limitRange}`,
      );
    },
    error:
      /^error: manifests\/prod\/more-limits\.yaml:\d+:1: stage prod: LimitRange\/hsl-jore4\/defaults is already defined by manifests\/all\/limit-range\.yaml:2; an object may exist once per stage$/m,
  },
  {
    name: "two shared manifests that become one file",
    breakIt: (dir) => {
      addShared(dir);
      writeFileSync(
        join(dir, "manifests/all/limit-range.yml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n",
      );
    },
    error:
      /manifests\/all\/limit-range\.yml:1:1: stage e2e: becomes clusters\/e2e\/extra-limit-range\.yaml, as manifests\/all\/limit-range\.yaml does; rename one$/m,
  },
  {
    name: "a byte that is not UTF-8 in a values file",
    breakIt: (dir) =>
      writeFileSync(
        join(dir, "values/dev.yaml"),
        Buffer.concat([
          Buffer.from("ingress:\n  host: dev.jore.hsl.fi\n# caf"),
          Buffer.from([0xe9]),
          Buffer.from(" \u00e4\n"),
        ]),
      ),
    error: /^error: values\/dev\.yaml:3:6: not UTF-8: byte 0xe9 \(save the file as UTF-8\)$/m,
  },
  {
    name: "an upper-case image repository",
    breakIt: (dir) =>
      edit(dir, "values/common.yaml", (text) =>
        text.replace(/image: hsldevcom\/jore4-ui:\S+/, "image: HslDevCom/jore4-ui:v1"),
      ),
    error:
      /^error: values\/common\.yaml:\d+:5 services\.ui\.image: must have a lower-case repository path \(registries refuse upper case\)$/m,
  },
  {
    name: "a promotedFrom cycle",
    breakIt: (dir) =>
      edit(dir, "jore4-flux.yaml", (text) =>
        text.replace(
          "- name: dev\n    platform: aks\n    promotedFrom: main\n",
          "- name: dev\n    platform: aks\n    promotedFrom: prod\n",
        ),
      ),
    error:
      /^error: jore4-flux\.yaml:\d+:5 stages\.2\.promotedFrom: promotion cycle dev <- prod <- test <- dev: never reaches main$/m,
    command: ["check", "--no-kustomize"],
  },
  ...["x y", "a..b", "HEAD", "--force", "feature/.hidden", "topic.lock", "a@{1}"].map((branch): BadInput => ({
    name: `a branch name git refuses: ${branch}`,
    breakIt: (dir) =>
      edit(dir, "jore4-flux.yaml", (text) =>
        text.replace("promotedFrom: dev\n", `promotedFrom: ${JSON.stringify(branch)}\n`),
      ),
    error: /^error: jore4-flux\.yaml:\d+:\d+ stages\.\d\.promotedFrom: must be a branch name git accepts/m,
  })),
  {
    name: "a YAML alias bomb in a values file",
    breakIt: (dir) =>
      appendFileSync(
        join(dir, "values/dev.yaml"),
        [
          "bomb:",
          "  a: &a [x, x, x, x, x, x, x, x, x, x]",
          ...Array.from(
            { length: 8 },
            (_, index) =>
              `  ${"bcdefghi"[index]}: &${"bcdefghi"[index]} [${Array(10).fill(`*${"abcdefgh"[index]}`).join(", ")}]`,
          ),
          "",
        ].join("\n"),
      ),
    error: /^error: values\/dev\.yaml:\d+:\d+: invalid YAML: its aliases expand to too many nodes/m,
  },
  {
    name: "a YAML alias bomb in jore4-flux.yaml",
    breakIt: (dir) =>
      appendFileSync(
        join(dir, "jore4-flux.yaml"),
        "bomb:\n  a: &a [x, x, x, x, x, x, x, x, x, x]\n  b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n  c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n  d: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n",
      ),
    error: /^error: jore4-flux\.yaml:\d+:\d+: invalid YAML: its aliases expand to too many nodes/m,
    command: ["check"],
  },
  {
    name: "a values file that is a symlink out of the repository",
    breakIt: (dir) => {
      const outside = join(tmpdir(), `jore4-flux-outside-${process.pid}.yaml`);
      writeFileSync(outside, readFileSync(join(dir, "values/test.yaml")));
      rmSync(join(dir, "values/test.yaml"));
      symlinkSync(outside, join(dir, "values/test.yaml"));
    },
    error:
      /^error: values\/test\.yaml:1:1: is a symbolic link to .*, outside the repository; copy the file into the repository$/m,
  },
  {
    name: "values/common.yaml that is a YAML list (blamed, not the stage files)",
    breakIt: (dir) => writeFileSync(join(dir, "values/common.yaml"), "- namespace: hsl-jore4\n"),
    error: /^error: values\/common\.yaml:1:1: a values file must be a map of keys, not a list$/m,
  },
  {
    name: "several tab-indented lines: each reported",
    breakIt: (dir) =>
      writeFileSync(
        join(dir, "values/test.yaml"),
        "ingress:\n\thost: test.jore.hsl.fi\nsecretStore:\n\tkeyVault: hsl-jore4-test-vault\n",
      ),
    error:
      /^ {2}values\/test\.yaml:2:1: invalid YAML: Tabs are not allowed as indentation\n {2}values\/test\.yaml:4:1: invalid YAML: Tabs are not allowed as indentation$/m,
  },
  {
    name: "a folder in place of a values file: said to be a folder, not missing",
    breakIt: (dir) => {
      rmSync(join(dir, "values/dev.yaml"));
      mkdirSync(join(dir, "values/dev.yaml"));
    },
    error: /^error: values\/dev\.yaml is a folder, not a file$/m,
  },
  {
    name: "a FIFO in place of a values file: said to be one (and not waited on)",
    breakIt: (dir) => {
      rmSync(join(dir, "values/dev.yaml"));
      execFileSync("mkfifo", [join(dir, "values/dev.yaml")]);
    },
    error: /^error: values\/dev\.yaml is a FIFO \(named pipe\), not a regular file$/m,
  },
  {
    name: "an unknown YAML tag in a values file (was read as if it were not there)",
    breakIt: (dir) => edit(dir, "values/dev.yaml", (text) => text.replace("host: dev", "host: !evil dev")),
    error: /^error: values\/dev\.yaml:4:9: unsupported YAML tag !evil: this file takes plain YAML /m,
  },
  {
    name: "a YAML merge key in a values file",
    breakIt: (dir) => appendFileSync(join(dir, "values/dev.yaml"), "  ui:\n    <<: {replicas: 2}\n"),
    error:
      /^error: values\/dev\.yaml:\d+:5 services\.ui\.<<: YAML merge keys \(<<\) are not supported; write the keys out$/m,
  },
  {
    name: "a second document in a values file, in our words",
    breakIt: (dir) => appendFileSync(join(dir, "values/dev.yaml"), "---\nservices: {}\n"),
    error:
      /^error: values\/dev\.yaml:\d+:1: invalid YAML: a second YAML document starts here \(after ---\); this file holds one document$/m,
  },
];

refusesBadInput("generate refuses input that would break later, and writes nothing", cases);

describe("the binary's whole stderr for YAML the library reads its own way: one line, no warning of the library's", () => {
  const binaryLines = (breakIt: (dir: string) => void) => {
    const { dir, cleanup } = temporaryRepo();
    try {
      breakIt(dir);
      const run = runBinarySync(dir, ["generate"], 60_000);
      assert.equal(run.exitCode, 2, run.stderr);
      return run.stderr.trimEnd().split("\n");
    } finally {
      cleanup();
    }
  };

  it("a list as a key", () => {
    assert.deepEqual(
      binaryLines((dir) =>
        appendFileSync(join(dir, "values/dev.yaml"), "  ui:\n    env:\n      ? [a, b]\n      : x\n"),
      ),
      [
        `error: values/dev.yaml:${readFileSync(join(repoRoot, "values/dev.yaml"), "utf8").split("\n").length + 2}:9 services.ui.env: invalid YAML: a list as a key; a key is plain text`,
      ],
    );
  });

  it("a map as a key", () => {
    const lines = binaryLines((dir) =>
      appendFileSync(join(dir, "values/dev.yaml"), "  ui:\n    env:\n      {a: 1}: x\n"),
    );
    assert.equal(lines.length, 1, lines.join("\n"));
    assert.match(
      lines[0]!,
      /^error: values\/dev\.yaml:\d+:7 services\.ui\.env: invalid YAML: a map as a key; a key is plain text$/,
    );
  });
});

describe("manifests/<stage>/x.yaml replaces manifests/all/x.yaml for that stage", () => {
  it("one extra-x.yaml with the stage's content, listed once, and kustomize builds the stage", async () => {
    const { dir, cleanup } = temporaryRepo();
    try {
      mkdirSync(join(dir, "manifests/dev"));
      addShared(dir);
      writeFileSync(join(dir, "manifests/dev/limit-range.yaml"), limitRange.replace("memory: 1Gi", "memory: 2Gi"));
      const result = await runCli(dir, ["generate"]);
      assert.equal(result.exitCode, 0, result.stderr);
      const dev = readFileSync(join(dir, "clusters/dev/extra-limit-range.yaml"), "utf8");
      assert.match(dev, /^# Generated by jore4-flux from manifests\/dev\/limit-range\.yaml\.$/m);
      assert.match(dev, /memory: 2Gi/);
      assert.match(readFileSync(join(dir, "clusters/test/extra-limit-range.yaml"), "utf8"), /memory: 1Gi/);
      const kustomization = readFileSync(join(dir, "clusters/dev/kustomization.yaml"), "utf8");
      assert.equal(kustomization.match(/extra-limit-range\.yaml/g)?.length, 1);
      const built = await runCli(dir, ["build", "dev"], {
        PATH: `${join(import.meta.dirname, "../../.tools/bin")}:${process.env.PATH}`,
      });
      assert.equal(built.exitCode, 0, built.stderr);
      assert.match(built.stdout, /memory: 2Gi/);
    } finally {
      cleanup();
    }
  });
});
