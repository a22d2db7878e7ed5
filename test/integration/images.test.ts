import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, afterEach, before, beforeEach, describe, it } from "node:test";
import { runCli } from "../support/cli.ts";
import { registryCredentials, startTestRegistry, type TestRegistry } from "../support/registry.ts";
import { snapshot, temporaryRepo } from "../support/repo-fixture.ts";

/**
 * `images` against a real registry (distribution's, token auth on) on 127.0.0.1, holding images
 * the suite pushes: Docker and OCI manifests, OCI indexes, and more tags than one page of the tag list.
 */
describe("images latest and update against a real registry", () => {
  let registry: TestRegistry;
  let repo: ReturnType<typeof temporaryRepo>;
  const read = (path: string) => readFileSync(join(repo.dir, path), "utf8");
  const image = (path: string) => `${registry.host}/${path}`;

  before(async () => {
    registry = await startTestRegistry();
    const ui = "hsldevcom/jore4-ui";
    const filler = await registry.pushImage(ui, "aaa-filler", { created: "2027-01-01T00:00:00Z" });
    // 1,001 tags sort before the `main` ones, so those are on the second page of the tag list.
    await registry.tagMany(
      ui,
      filler,
      Array.from({ length: 1001 }, (_, index) => `aaa-${String(index).padStart(4, "0")}`),
    );
    await registry.pushImage(ui, "main-old", { created: "2026-01-01T00:00:00Z" });
    // An index whose arm64 image is the newest of all, but whose linux/amd64 image is older than main-late.
    await registry.pushIndex(ui, "main-index", [
      { created: "2026-04-01T00:00:00Z", architecture: "arm64" },
      { created: "2026-01-15T00:00:00Z" },
    ]);
    await registry.pushImage(ui, "main-late", { created: "2026-02-01T00:00:00Z", oci: true });
    await registry.pushImage(ui, "zz-other", { created: "2026-12-01T00:00:00Z" });

    const hasura = "hsldevcom/jore4-hasura";
    await registry.pushImage(hasura, "hsl-main-1", { created: "2026-01-01T00:00:00Z" });
    await registry.pushIndex(hasura, "hsl-main-2", [
      { created: "2025-01-01T00:00:00Z", architecture: "arm64" },
      { created: "2026-02-01T00:00:00Z" },
    ]);
    await registry.pushImage(hasura, "main-3", { created: "2026-06-01T00:00:00Z" });

    await registry.pushImage("hsldevcom/jore4-auth", "main-1", { created: "2026-01-01T00:00:00Z" });
    // Read through the hostile front, whose tag list the tests write: zz-hidden is the newest image of all.
    const hostile = "hsldevcom/hostile";
    await registry.pushImage(hostile, "main-old", { created: "2026-01-01T00:00:00Z" });
    await registry.pushImage(hostile, "main-late", { created: "2026-02-01T00:00:00Z" });
    await registry.pushImage(hostile, "zz-hidden", { created: "2030-01-01T00:00:00Z" });
    await registry.pushImage("private/jore4-ui", "main-9", { created: "2026-01-01T00:00:00Z" });
  });
  after(() => registry.stop());

  /** A copy of the shipped configuration whose images live in the test registry. */
  beforeEach(async () => {
    repo = temporaryRepo();
    const values = join(repo.dir, "values/common.yaml");
    writeFileSync(
      values,
      readFileSync(values, "utf8")
        .replace(/image: hsldevcom\/jore4-ui:\S+/, `image: ${image("hsldevcom/jore4-ui:main-old")}`)
        .replace(/image: hsldevcom\/jore4-hasura:\S+/, `image: ${image("hsldevcom/jore4-hasura:hsl-main-1")}`)
        .replace(/image: hsldevcom\/jore4-auth:\S+/, `image: ${image("hsldevcom/jore4-auth:main-1")}`),
    );
    assert.equal((await runCli(repo.dir, ["generate"])).exitCode, 0);
  });
  afterEach(() => {
    repo.cleanup();
    registry.hostile.reset();
  });

  const setValues = (from: RegExp, to: string) =>
    writeFileSync(join(repo.dir, "values/common.yaml"), read("values/common.yaml").replace(from, to));

  it("latest picks the newest tag with the prefix by creation time (amd64 of an index), over two tag pages", async () => {
    const tokensBefore = registry.tokenRequests.length;
    const result = await runCli(repo.dir, ["images", "latest", "--json"]);
    assert.equal(result.exitCode, 0, result.stderr);
    const found = JSON.parse(result.stdout) as {
      images: { service: string; latest: string; changed: boolean; created: string; candidates: number }[];
    };
    assert.deepEqual(
      found.images.map(({ service, latest, changed, created }) => ({ service, latest, changed, created })),
      [
        {
          service: "auth",
          latest: image("hsldevcom/jore4-auth:main-1"),
          changed: false,
          created: "2026-01-01T00:00:00Z",
        },
        {
          service: "hasura",
          latest: image("hsldevcom/jore4-hasura:hsl-main-2"),
          changed: true,
          created: "2026-02-01T00:00:00Z",
        },
        {
          service: "ui",
          latest: image("hsldevcom/jore4-ui:main-late"),
          changed: true,
          created: "2026-02-01T00:00:00Z",
        },
      ],
    );
    assert.equal(found.images.find((entry) => entry.service === "ui")?.candidates, 3);
    assert.ok(registry.tokenRequests.length > tokensBefore, "the client went through the token server");
    assert.match(result.stderr, /ui: 3 tags start with 'main'/);
  });

  it("update of one service sets its image, regenerates, and leaves the others", async () => {
    const before = read("values/common.yaml");
    const result = await runCli(repo.dir, ["images", "update", "ui", "--json"]);
    assert.equal(result.exitCode, 0, result.stderr);
    const after = read("values/common.yaml");
    const old = before.split("\n");
    assert.deepEqual(
      after.split("\n").filter((line, index) => line !== old[index]),
      [`    image: ${image("hsldevcom/jore4-ui:main-late")}`],
    );
    const output = JSON.parse(result.stdout) as { changedValues: boolean; changedClusters: string[] };
    assert.equal(output.changedValues, true);
    assert.ok(output.changedClusters.includes("clusters/prod/jore4-ui.yaml"));
    assert.ok(output.changedClusters.includes("compose/e2e/docker-compose.yml"));
    assert.ok(!output.changedClusters.some((path) => path.includes("hasura")));
    assert.match(read("clusters/dev/jore4-ui.yaml"), new RegExp(`image: ${image("hsldevcom/jore4-ui:main-late")}\n`));
    assert.equal((await runCli(repo.dir, ["generate", "--check"])).exitCode, 0);
  });

  it("update of every tracked service writes once; a second run changes nothing", async () => {
    const result = await runCli(repo.dir, ["images", "update"]);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(result.stdout, "updated hasura, ui");
    assert.match(read("values/common.yaml"), /jore4-hasura:hsl-main-2\n/);
    const settled = snapshot(repo.dir);
    const again = await runCli(repo.dir, ["images", "update"]);
    assert.equal(again.exitCode, 0, again.stderr);
    assert.equal(again.stdout, "every image is the newest");
    assert.deepEqual(snapshot(repo.dir), settled);
  });

  it("--dry-run looks up and plans, and writes nothing", async () => {
    const before = snapshot(repo.dir);
    const result = await runCli(repo.dir, ["images", "update", "--dry-run"]);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(result.stdout, "would update hasura, ui");
    assert.deepEqual(snapshot(repo.dir), before);
  });

  it("reads a repository that needs credentials with them, and fails without", async () => {
    setValues(/image: \S+jore4-ui:main-old/, `image: ${image("private/jore4-ui:main-1")}`);
    const env = {
      JORE4_FLUX_REGISTRY_USERNAME: registryCredentials.username,
      JORE4_FLUX_REGISTRY_PASSWORD: registryCredentials.password,
    };
    const withCredentials = await runCli(repo.dir, ["images", "latest", "ui", "--json"], env);
    assert.equal(withCredentials.exitCode, 0, withCredentials.stderr);
    assert.equal(JSON.parse(withCredentials.stdout).images[0].latest, image("private/jore4-ui:main-9"));
    const without = await runCli(repo.dir, ["images", "latest", "ui"]);
    assert.equal(without.exitCode, 3);
    assert.match(without.stderr, /^error: registry http:\/\/127\.0\.0\.1:\d+: .* authentication failed \(HTTP 401\)$/);
  });

  for (const [name, from, to, exitCode, message] of [
    [
      "a registry that is down",
      /image: \S+jore4-ui:main-old/,
      "image: 127.0.0.1:9/hsldevcom/jore4-ui:main-old",
      3,
      /^error: registry http:\/\/127\.0\.0\.1:9: listing the tags of hsldevcom\/jore4-ui: cannot connect \(ECONNREFUSED\)\n$/,
    ],
    [
      "a refused token",
      /image: \S+jore4-ui:main-old/,
      `image: REGISTRY/denied/jore4-ui:main-old`,
      3,
      /authentication failed \(HTTP 401\)\n$/,
    ],
    [
      "a prefix no tag has",
      /tagPrefix: hsl-main/,
      "tagPrefix: release-",
      3,
      /^error: hasura: no tag starts with 'release-' in http:\/\/127\.0\.0\.1:\d+\/hsldevcom\/jore4-hasura \(services\.hasura\.tagPrefix\)\n$/,
    ],
    [
      "a repository that does not exist",
      /image: \S+jore4-auth:main-1/,
      "image: REGISTRY/hsldevcom/nothing-here:main-1",
      3,
      /listing the tags of hsldevcom\/nothing-here: not found \(HTTP 404\)\n$/,
    ],
  ] as const) {
    it(`fails on ${name} with one line, exit ${exitCode}, writing nothing`, async () => {
      setValues(from, to.replace("REGISTRY", registry.host));
      const before = snapshot(repo.dir);
      const result = await runCli(repo.dir, ["images", "update"]);
      assert.equal(result.exitCode, exitCode, result.stderr);
      assert.match(
        result.stderr
          .split("\n")
          .filter((line) => line.startsWith("error:"))
          .join("\n") + "\n",
        message,
      );
      assert.equal(result.stdout, "");
      assert.deepEqual(snapshot(repo.dir), before);
    });
  }

  describe("a registry that answers garbage or hostile tag names", () => {
    const tagList = "/v2/hsldevcom/hostile/tags/list";
    const throughHostile = () =>
      setValues(/image: \S+jore4-ui:main-old/, `image: ${registry.hostile.host}/hsldevcom/hostile:main-old`);
    const listing = (tags: unknown, headers: Record<string, string> = {}) =>
      registry.hostile.answer(tagList, () => ({
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify({ name: "hsldevcom/hostile", tags }),
      }));
    const latestUi = async () => {
      const result = await runCli(repo.dir, ["images", "latest", "ui", "--json"]);
      assert.equal(result.exitCode, 0, result.stderr);
      return {
        result,
        ui: (JSON.parse(result.stdout) as { images: { latest: string; candidates: number }[] }).images[0]!,
      };
    };
    const requestsTo = (path: string) => registry.hostile.requests.filter((request) => request.split("?")[0] === path);

    it("never takes a tag with a newline as the newest image, even when its image is the newest", async () => {
      throughHostile();
      listing(["main-old", "main-late", "main-x\nfake"]);
      // A client that strips the newline from the URL (as the WHATWG URL parser does) is given the newest image.
      registry.hostile.answer("/v2/hsldevcom/hostile/manifests/main-xfake", () => ({
        forwardTo: "/v2/hsldevcom/hostile/manifests/zz-hidden",
      }));
      const { result, ui } = await latestUi();
      assert.equal(ui.latest, `${registry.hostile.host}/hsldevcom/hostile:main-late`);
      assert.match(result.stderr, /^ui: skipped 1 of the tags listed in hsldevcom\/hostile: not valid tag names$/m);
      assert.deepEqual(requestsTo("/v2/hsldevcom/hostile/manifests/main-xfake"), []);
    });

    it("skips tags with a space or terminal escapes (saying how many) and reads each duplicate once", async () => {
      throughHostile();
      listing(["main-late", "main y", "main-\u001b[2Jred", "main-late", "main-old", "main-late"]);
      const { result, ui } = await latestUi();
      assert.equal(ui.latest, `${registry.hostile.host}/hsldevcom/hostile:main-late`);
      assert.equal(ui.candidates, 2);
      assert.match(result.stderr, /^ui: skipped 2 of the tags listed in hsldevcom\/hostile: not valid tag names$/m);
      assert.match(result.stderr, /^ui: 2 tags start with 'main' in hsldevcom\/hostile$/m);
      assert.ok(!result.stderr.includes("\u001b"), "an escape reached the terminal");
    });

    it("stops at a Link rel=next that points back at the same page, or at one read before", async () => {
      throughHostile();
      listing(["main-late"], { link: `<${tagList}?n=1000>; rel="next"` });
      const { result, ui } = await latestUi();
      assert.equal(ui.latest, `${registry.hostile.host}/hsldevcom/hostile:main-late`);
      assert.equal(requestsTo(tagList).length, 1);
      assert.match(
        result.stderr,
        /the tag list of hsldevcom\/hostile links back to a page already read; stopped there/,
      );

      registry.hostile.reset();
      // Two pages that link to each other.
      registry.hostile.answer(tagList, (url) => ({
        headers: {
          "content-type": "application/json",
          link: `<${tagList}?n=1000${url.searchParams.has("last") ? "" : "&last=main-late"}>; rel="next"`,
        },
        body: JSON.stringify({ tags: url.searchParams.has("last") ? ["main-old"] : ["main-late"] }),
      }));
      assert.equal((await latestUi()).ui.candidates, 2);
      assert.equal(requestsTo(tagList).length, 2);
    });

    it("gives up on a tag list of endless pages after a bounded number (exit 3)", async () => {
      throughHostile();
      registry.hostile.answer(tagList, (url) => {
        const page = Number(url.searchParams.get("last") ?? 0);
        return {
          headers: { "content-type": "application/json", link: `<${tagList}?n=1000&last=${page + 1}>; rel="next"` },
          body: JSON.stringify({ tags: [`main-${page}`] }),
        };
      });
      const result = await runCli(repo.dir, ["images", "latest", "ui"]);
      assert.equal(result.exitCode, 3, result.stderr);
      assert.match(
        result.stderr,
        /^error: registry http:\/\/127\.0\.0\.1:\d+: listing the tags of hsldevcom\/hostile: its tag list goes on for more than 100 pages$/m,
      );
      assert.equal(requestsTo(tagList).length, 100);
    });

    it("refuses to read more than 500 images for one prefix, before reading any (exit 3)", async () => {
      throughHostile();
      listing(Array.from({ length: 501 }, (_, index) => `main-${index}`));
      const result = await runCli(repo.dir, ["images", "latest", "ui"]);
      assert.equal(result.exitCode, 3, result.stderr);
      assert.match(
        result.stderr,
        /^error: ui: 501 tags start with 'main', more than the 500 whose images one lookup reads: name a longer prefix in http:\/\/127\.0\.0\.1:\d+\/hsldevcom\/hostile \(services\.ui\.tagPrefix\)$/m,
      );
      assert.deepEqual(
        registry.hostile.requests.filter((request) => request.includes("/manifests/")),
        [],
      );
    });

    const huge = Buffer.from(`{"tags":[${'"main-1",'.repeat(600_000)}"main-2"]}`);
    for (const [name, path, answer, message] of [
      [
        "an HTML page",
        tagList,
        { headers: { "content-type": "text/html" }, body: "<html><body>\n<h1>Welcome</h1>\n</body></html>" },
        /tags of hsldevcom\/hostile: the answer is not JSON \(text\/html\)$/,
      ],
      [
        "JSON cut short",
        tagList,
        { body: '{"tags": ["main-1",' },
        /tags of hsldevcom\/hostile: the answer is not JSON \(application\/json\)$/,
      ],
      [
        "random bytes",
        tagList,
        {
          headers: { "content-type": "application/octet-stream" },
          body: Buffer.from(Array.from({ length: 4096 }, (_, index) => (index * 7919) % 256)),
        },
        /the answer is not JSON \(application\/octet-stream\)$/,
      ],
      [
        "a 500 with a page of text",
        tagList,
        {
          status: 500,
          headers: { "content-type": "text/html" },
          body: "<html>\nInternal Server Error\n\u001b[2J</html>",
        },
        /tags of hsldevcom\/hostile: HTTP 500$/,
      ],
      [
        "tags that are numbers",
        tagList,
        { body: '{"tags":[1,2,3]}' },
        /tags of hsldevcom\/hostile: the answer is not a tag list \(invalid_type at tags\.0\)$/,
      ],
      ["an answer of 5 MB", tagList, { body: huge }, /tags of hsldevcom\/hostile: the answer is larger than 4 MiB$/],
      [
        "a list of 100,001 tags",
        tagList,
        { body: JSON.stringify({ tags: Array.from({ length: 100_001 }, () => "a") }) },
        /tags of hsldevcom\/hostile: it lists more than 100,000 tags$/,
      ],
      [
        "a manifest that is a page of HTML",
        "/v2/hsldevcom/hostile/manifests/main-late",
        { headers: { "content-type": "text/html" }, body: "<html>no</html>" },
        /reading the image main-late of hsldevcom\/hostile: the answer is not JSON \(text\/html\)$/,
      ],
      [
        "a manifest without a config",
        "/v2/hsldevcom/hostile/manifests/main-late",
        { body: '{"schemaVersion":2,"layers":[]}' },
        /reading the image main-late of hsldevcom\/hostile: the answer is not an image manifest \(invalid_type at config\)$/,
      ],
    ] as const) {
      it(`turns ${name} into one line, exit 3`, async () => {
        throughHostile();
        if (path !== tagList) listing(["main-late"]);
        registry.hostile.answer(path, () => answer);
        const result = await runCli(repo.dir, ["images", "latest", "ui"]);
        assert.equal(result.exitCode, 3, result.stderr);
        const errors = result.stderr.split("\n").filter((line) => line.startsWith("error:"));
        assert.equal(errors.length, 1, result.stderr);
        assert.match(errors[0]!, /^error: registry http:\/\/127\.0\.0\.1:\d+: /);
        assert.match(errors[0]!, message);
        assert.ok(
          !/Welcome|Internal Server Error/.test(result.stderr) && !result.stderr.includes("\u001b"),
          result.stderr,
        );
        assert.equal(result.stdout, "");
      });
    }
  });

  it("refuses unknown services and services without a tag prefix as bad input (exit 2)", async () => {
    const unknown = await runCli(repo.dir, ["images", "latest", "nope"]);
    assert.equal(unknown.exitCode, 2);
    assert.match(unknown.stderr, /^error: services\.nope: no service 'nope' in values\/common\.yaml/);
    const untracked = await runCli(repo.dir, ["images", "update", "testdb"]);
    assert.equal(untracked.exitCode, 2);
    assert.match(untracked.stderr, /services\.testdb\.tagPrefix: values\/common\.yaml sets no tag prefix for 'testdb'/);
  });
});
