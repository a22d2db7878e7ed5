import assert from "node:assert/strict";
import { isAscii } from "node:buffer";
import { execFileSync, spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { repoRoot } from "../support/repo-fixture.ts";

/**
 * The build `npm ci` makes (scripts/build.mjs) and how bin/jore4-flux.js runs it, on a copy of
 * this work tree (the build replaces dist/, which other tests' binary runs use).
 */
describe("the CLI's build (dist/)", () => {
  let copy: string;
  const node = (args: string[]) => execFileSync(process.execPath, args, { cwd: copy, encoding: "utf8" });
  const cli = (...args: string[]) => node([join(copy, "bin", "jore4-flux.js"), ...args]);
  const codeCache = () => join(copy, "dist", `jore4-flux-${process.version}-${process.arch}.v8`);
  const cacheDir = () => join(copy, "node_modules", ".cache", "jore4-flux");
  /** The size of the validators' code cache. */
  const validatorsCache = () => {
    const name = readdirSync(cacheDir()).find((file) => file.startsWith("validators-") && file.endsWith(".v8"));
    assert.ok(name, "a code cache of the validators");
    return statSync(join(cacheDir(), name)).size;
  };

  before(() => {
    copy = mkdtempSync(join(tmpdir(), "jore4-flux-build-"));
    const files = execFileSync("git", ["ls-files", "-co", "--exclude-standard"], { cwd: repoRoot, encoding: "utf8" });
    for (const path of files.split("\n").filter((line) => line && existsSync(join(repoRoot, line)))) {
      mkdirSync(dirname(join(copy, path)), { recursive: true });
      cpSync(join(repoRoot, path), join(copy, path));
    }
    // The packages linked one by one, so the copy's node_modules/.cache (its code caches) is its own.
    mkdirSync(join(copy, "node_modules"));
    for (const name of readdirSync(join(repoRoot, "node_modules")).filter((entry) => entry !== ".cache"))
      symlinkSync(join(repoRoot, "node_modules", name), join(copy, "node_modules", name));
    node([join(copy, "scripts", "build.mjs")]);
  });
  after(() => rmSync(copy, { recursive: true, force: true }));

  it("makes one bundle, its stamp and V8's code cache, saved after the warm-up commands ran", () => {
    for (const file of ["jore4-flux.cjs", "stamp.json"]) assert.ok(existsSync(join(copy, "dist", file)), file);
    // Comments left out, it is ASCII: read as latin1, not as UTF-16 for the sake of one "→" (bin/code-cache.js).
    assert.ok(isAscii(readFileSync(join(copy, "dist", "jore4-flux.cjs"))), "the bundle is ASCII");
    // The warm-up compiled the commands' functions too: far more than the bundle's top level.
    assert.ok(statSync(codeCache()).size > 200_000, `code cache of ${statSync(codeCache()).size} bytes`);
    // And its check made the validators' code cache, so an install's first check has it.
    assert.ok(validatorsCache() > 0);
  });

  it("runs the bundle through its code cache, and writes the cache again only when V8 had none to take", () => {
    const before = statSync(codeCache()).mtimeMs;
    assert.match(cli("generate", "--check", "--json"), /"upToDate": true/);
    assert.equal(statSync(codeCache()).mtimeMs, before, "an accepted cache is left as it is");
    rmSync(codeCache());
    assert.equal(cli("--version").trim(), JSON.parse(readFileSync(join(copy, "package.json"), "utf8")).version);
    assert.ok(existsSync(codeCache()), "a missing cache is saved after the run");
    writeFileSync(codeCache(), "not a code cache");
    assert.match(cli("--help"), /Usage: jore4-flux/);
    assert.notEqual(readFileSync(codeCache(), "utf8"), "not a code cache", "a cache V8 refused is replaced");
  });

  it("writes the validators' code cache as the first check exits, with the validators it ran", () => {
    const firstRun = (...args: string[]) => {
      for (const file of readdirSync(cacheDir())) if (file.startsWith("validators-")) rmSync(join(cacheDir(), file));
      cli(...args);
      return validatorsCache();
    };
    // --rules loads the validators and runs none; check runs those of every kind the stages hold.
    const loadedOnly = firstRun("check", "--rules");
    const ran = firstRun("check", "--no-kustomize");
    assert.ok(ran > loadedOnly * 1.3, `${ran} bytes after check, ${loadedOnly} after check --rules`);
  });

  describe("a FIFO in place of a cache file (or of the stamp) is taken for none: never blocks a run, never replaced", () => {
    const fifo = (path: string) => {
      rmSync(path, { force: true });
      execFileSync("mkfifo", [path]);
    };
    // Each run is bounded (killed after a minute): a blocked read fails the test instead of hanging it.
    const runs = (args: string[], output: RegExp) => {
      const run = spawnSync(process.execPath, [join(copy, "bin", "jore4-flux.js"), ...args], {
        cwd: copy,
        encoding: "utf8",
        timeout: 60_000,
      });
      assert.equal(run.signal, null, `${args.join(" ")} was still running after a minute`);
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stdout, output);
    };
    const version = () => {
      const text = JSON.parse(readFileSync(join(copy, "package.json"), "utf8")).version as string;
      return new RegExp(`^${text.replaceAll(".", "\\.")}\n$`);
    };

    it("--version, with one in place of the bundle's code cache, then of the build's stamp (every start reads both)", () => {
      fifo(codeCache());
      runs(["--version"], version());
      assert.ok(lstatSync(codeCache()).isFIFO(), "the FIFO in place of the code cache is left as it is");
      rmSync(codeCache());
      const stamp = join(copy, "dist", "stamp.json");
      const stampText = readFileSync(stamp, "utf8");
      fifo(stamp);
      runs(["--version"], version());
      rmSync(stamp);
      writeFileSync(stamp, stampText);
    });

    it("check, with one in place of the validators' code cache (in the package cache)", () => {
      const validators = readdirSync(cacheDir()).find((file) => file.startsWith("validators-") && file.endsWith(".v8"));
      assert.ok(validators, "a code cache of the validators");
      fifo(join(cacheDir(), validators));
      runs(["check", "--no-kustomize"], /./);
      assert.ok(lstatSync(join(cacheDir(), validators)).isFIFO(), "the FIFO in place of the validators' cache is left");
      rmSync(join(cacheDir(), validators));
    });

    it("generate --check, with one in place of its kept answer (in the package cache)", () => {
      runs(["generate", "--check", "--json"], /"upToDate": true/);
      const records = join(cacheDir(), "generate-check");
      const record = readdirSync(records).find((file) => file.endsWith(".json"));
      assert.ok(record, "generate --check kept its answer");
      fifo(join(records, record));
      runs(["generate", "--check", "--json"], /"upToDate": true/);
      assert.ok(lstatSync(join(records, record)).isFIFO(), "the FIFO in place of the kept answer is left");
      rmSync(join(records, record));
    });
  });

  it("names the build by its bundle too: a bundle edited by hand is not the build, so a kept answer is not trusted", () => {
    const unchanged = () => Number(/"unchanged": (\d+)/.exec(cli("generate", "--check", "--json"))?.[1]);
    const rendered = unchanged();
    // The copy is the only repository checked here: one record, doctored to name one file only.
    const records = join(cacheDir(), "generate-check");
    const [name, ...more] = readdirSync(records);
    assert.ok(name !== undefined && more.length === 0, `one record: ${readdirSync(records).join(", ")}`);
    const record = join(records, name);
    writeFileSync(
      record,
      JSON.stringify({ ...JSON.parse(readFileSync(record, "utf8")), unchanged: ["jore4-flux.yaml"] }),
    );
    assert.equal(unchanged(), 1, "the build trusts its own record");
    const bundle = join(copy, "dist", "jore4-flux.cjs");
    const built = readFileSync(bundle);
    try {
      writeFileSync(bundle, Buffer.concat([built, Buffer.from("\n// edited by hand\n")]));
      assert.equal(unchanged(), rendered, "the edited bundle's run trusted the build's record");
    } finally {
      writeFileSync(bundle, built);
    }
    assert.equal(unchanged(), 1, "the same bundle again (another mtime, same content) is the build");
  });

  it("runs the sources instead when one of them changed since the build", () => {
    const main = join(copy, "src", "cli", "main.ts");
    writeFileSync(main, readFileSync(main, "utf8").replace("(GitOps with Flux)", "(GitOps, edited)"));
    assert.match(cli("--help"), /GitOps, edited/);
  });
});
