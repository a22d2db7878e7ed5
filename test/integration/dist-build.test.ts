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
  /** The store (src/store/store.ts): the package's cache here. */
  const storeDir = () => join(copy, "node_modules", ".cache", "jore4-flux");
  /** The store's entries of V8's code (src/store/code-cache.ts). */
  const cacheDir = () => join(storeDir(), "code");
  /** The size of the validators' code entry. */
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
    // Comments left out, it is ASCII: read as latin1, not as UTF-16 (bin/code-cache.js).
    assert.ok(isAscii(readFileSync(join(copy, "dist", "jore4-flux.cjs"))), "the bundle is ASCII");
    // The warm-up compiled the commands' functions too: far more than the bundle's top level.
    assert.ok(statSync(codeCache()).size > 200_000, `code cache of ${statSync(codeCache()).size} bytes`);
    // The warm-up runs as the sources do, without a build: it keeps nothing in the store.
    assert.equal(existsSync(cacheDir()), false);
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

  it("keeps the validators' code in the store after a check ran them (kept once, as V8 then takes it)", () => {
    rmSync(cacheDir(), { recursive: true, force: true });
    // --rules runs no validator: nothing to keep.
    cli("check", "--rules");
    assert.equal(existsSync(cacheDir()), false);
    cli("check", "--no-kustomize");
    const kept = validatorsCache();
    // Far more than the top level of the validators' code: the functions check called.
    assert.ok(kept > 100_000, `${kept} bytes`);
    const name = readdirSync(cacheDir())[0]!;
    const mtime = statSync(join(cacheDir(), name)).mtimeMs;
    cli("check", "--no-kustomize");
    assert.equal(statSync(join(cacheDir(), name)).mtimeMs, mtime, "an entry V8 took is left as it is");
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

    it("check, with one in place of the validators' code entry (in the store)", () => {
      const validators = readdirSync(cacheDir()).find((file) => file.startsWith("validators-") && file.endsWith(".v8"));
      assert.ok(validators, "a code cache of the validators");
      fifo(join(cacheDir(), validators));
      runs(["check", "--no-kustomize"], /./);
      assert.ok(lstatSync(join(cacheDir(), validators)).isFIFO(), "the FIFO in place of the validators' cache is left");
      rmSync(join(cacheDir(), validators));
    });

    it("generate --check, with one in place of its kept answer (in the store)", () => {
      runs(["generate", "--check", "--json"], /"upToDate": true/);
      const entries = join(storeDir(), "generate-check");
      const entry = readdirSync(entries).find((file) => file.endsWith(".json"));
      assert.ok(entry, "generate --check kept its answer");
      fifo(join(entries, entry));
      runs(["generate", "--check", "--json"], /"upToDate": true/);
      assert.ok(lstatSync(join(entries, entry)).isFIFO(), "the FIFO in place of the kept answer is left");
      rmSync(join(entries, entry));
    });
  });

  it("names the build by its bundle too: a bundle edited by hand is not the build, so a kept answer is not trusted", () => {
    const unchanged = () => Number(/"unchanged": (\d+)/.exec(cli("generate", "--check", "--json"))?.[1]);
    const rendered = unchanged();
    // The copy is the only repository checked here: one entry, doctored to name one file only.
    const entries = join(storeDir(), "generate-check");
    const [name, ...more] = readdirSync(entries);
    assert.ok(name !== undefined && more.length === 0, `one entry: ${readdirSync(entries).join(", ")}`);
    const entry = join(entries, name);
    writeFileSync(
      entry,
      JSON.stringify({ ...JSON.parse(readFileSync(entry, "utf8")), unchanged: ["jore4-flux.yaml"] }),
    );
    assert.equal(unchanged(), 1, "the build trusts its own entry");
    const bundle = join(copy, "dist", "jore4-flux.cjs");
    const built = readFileSync(bundle);
    try {
      writeFileSync(bundle, Buffer.concat([built, Buffer.from("\n// edited by hand\n")]));
      assert.equal(unchanged(), rendered, "the edited bundle's run trusted the build's entry");
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
