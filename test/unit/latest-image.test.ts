import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ExitCode, Jore4FluxError } from "../../src/errors.ts";
import { findLatestImage, newestTag, type TrackedImage } from "../../src/images/latest.ts";
import type { RegistryLocation } from "../../src/images/location.ts";
import type { ImageRegistry } from "../../src/images/registry.ts";

/**
 * How `images latest` chooses (src/images/latest.ts), over a registry given as a table of tags and
 * their creation times: the registry edge itself is tested against a real registry in
 * test/integration/images.test.ts.
 */
function tableRegistry(table: readonly [tag: string, created: string | undefined][]): {
  registry: ImageRegistry;
  asked: string[];
} {
  const asked: string[] = [];
  const where = (location: RegistryLocation) => `${location.host}/${location.repository}`;
  return {
    asked,
    registry: {
      tags: async (location) => {
        asked.push(`tags ${where(location)}`);
        return table.map(([tag]) => tag);
      },
      created: async (location, tag) => {
        asked.push(`created ${where(location)}:${tag}`);
        return table.find(([candidate]) => candidate === tag)?.[1];
      },
    },
  };
}

const ui: TrackedImage = { service: "ui", image: "hsldevcom/jore4-ui:main-1", tagPrefix: "main" };
const latestOf = (table: readonly [string, string | undefined][], tracked = ui) =>
  findLatestImage(tableRegistry(table).registry, tracked, () => {});

async function failure(table: readonly [string, string | undefined][]): Promise<Jore4FluxError> {
  const error = await latestOf(table).then(
    () => assert.fail("expected no image"),
    (caught: unknown) => caught,
  );
  assert.ok(error instanceof Jore4FluxError, String(error));
  return error;
}

describe("newestTag: equal creation times", () => {
  it("are decided by the greater tag whatever the order the registry listed them in", () => {
    const at = "2026-01-01T00:00:00Z";
    for (const order of [
      ["main-2", "main-1"],
      ["main-1", "main-2"],
      ["main-1", "main-2", "main-0"],
    ])
      assert.equal(newestTag(order.map((tag) => ({ tag, created: at })))?.tag, "main-2", order.join(" "));
  });

  it("are the same instant written in another offset (as text, the earlier one is greater)", () => {
    const a = { tag: "main-a", created: "2026-01-01T02:00:00+02:00" };
    const b = { tag: "main-b", created: "2026-01-01T00:00:00Z" };
    assert.equal(newestTag([a, b])?.tag, "main-b");
    assert.equal(newestTag([b, a])?.tag, "main-b");
  });
});

describe("findLatestImage", () => {
  it("reads the tags and the creation time of each with the prefix, and answers the newest as the image to use", async () => {
    const { registry, asked } = tableRegistry([
      ["main-1", "2026-01-01T00:00:00Z"],
      ["main-2", "2026-02-01T00:00:00Z"],
      ["other-3", "2026-03-01T00:00:00Z"],
    ]);
    const latest = await findLatestImage(registry, ui, () => {});
    assert.deepEqual(latest, {
      ...ui,
      latest: "hsldevcom/jore4-ui:main-2",
      tag: "main-2",
      created: "2026-02-01T00:00:00Z",
      candidates: 2,
      changed: true,
    });
    assert.deepEqual(asked.sort(), [
      "created registry-1.docker.io/hsldevcom/jore4-ui:main-1",
      "created registry-1.docker.io/hsldevcom/jore4-ui:main-2",
      "tags registry-1.docker.io/hsldevcom/jore4-ui",
    ]);
  });

  it("says the values do not change when the newest is the image they have", async () => {
    const latest = await latestOf([["main-1", "2026-01-01T00:00:00Z"]]);
    assert.equal(latest.changed, false);
    assert.equal(latest.latest, ui.image);
  });

  it("matches the prefix at the start only: `main` does not take the newer `hotfix-main-9`", async () => {
    const latest = await latestOf([
      ["hotfix-main-9", "2026-05-01T00:00:00Z"],
      ["main-1", "2026-01-01T00:00:00Z"],
      ["remain-8", "2026-04-01T00:00:00Z"],
    ]);
    assert.equal(latest.tag, "main-1");
    assert.equal(latest.candidates, 1);
  });

  it("never chooses a tag whose creation time does not parse or is missing, wherever it is listed", async () => {
    const tables: [string, string | undefined][][] = [
      [
        ["main-bad", "not a time"],
        ["main-good", "2026-01-01T00:00:00Z"],
      ],
      [
        ["main-good", "2026-01-01T00:00:00Z"],
        ["main-bad", "2026-13-45T99:00:00Z"],
      ],
      [
        ["main-bad", undefined],
        ["main-good", "2026-01-01T00:00:00Z"],
      ],
    ];
    for (const table of tables) assert.equal((await latestOf(table)).tag, "main-good", JSON.stringify(table));
  });

  it("fails (exit 3) when no tag has the prefix, or none with the prefix has a creation time", async () => {
    const none = await failure([["other-1", "2026-01-01T00:00:00Z"]]);
    assert.equal(none.exitCode, ExitCode.failed);
    assert.equal(
      none.message,
      "ui: no tag starts with 'main' in https://registry-1.docker.io/hsldevcom/jore4-ui (services.ui.tagPrefix)",
    );
    const undated = await failure([
      ["main-1", "yesterday"],
      ["main-2", undefined],
    ]);
    assert.equal(undated.exitCode, ExitCode.failed);
    assert.equal(
      undated.message,
      "ui: no image with a creation time among the tags starting with 'main' in https://registry-1.docker.io/hsldevcom/jore4-ui (services.ui.tagPrefix)",
    );
  });
});

/** Cases the mutation run over src/images (npm run mutation -- --mutate 'src/images/**') found unchecked. */
describe("findLatestImage: what the mutation run found unchecked", () => {
  it("reads RFC 3339 times with fractions of a second and with offsets, as registries write them", async () => {
    const fraction = await latestOf([
      ["main-1", "2026-01-01T00:00:00Z"],
      ["main-2", "2026-01-01T00:00:00.123456789Z"],
    ]);
    assert.equal(fraction.tag, "main-2", "nanoseconds later is newer");
    const offset = await latestOf([
      ["main-1", "2026-01-01T00:30:00Z"],
      ["main-2", "2026-01-01T03:00:00+02:00"],
      ["main-3", "2025-12-31T20:00:00-05:00"],
    ]);
    assert.equal(offset.tag, "main-3", "01:00Z, written with an offset of -05:00, is the newest");
    assert.equal(offset.created, "2025-12-31T20:00:00-05:00");
  });

  it("reads at most 4 creation times at a time, and every tag's", async () => {
    let inFlight = 0;
    let most = 0;
    const asked: string[] = [];
    const registry: ImageRegistry = {
      tags: async () => Array.from({ length: 10 }, (_, index) => `main-${index}`),
      created: async (_location, tag) => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        asked.push(tag);
        // Each read waits for the others started with it: a limit that is not kept shows.
        await new Promise((resolve) => setImmediate(resolve));
        inFlight -= 1;
        return `2026-01-01T00:00:0${tag.slice(-1)}Z`;
      },
    };
    const latest = await findLatestImage(registry, ui, () => {});
    assert.equal(most, 4);
    assert.equal(asked.length, 10);
    assert.equal(latest.tag, "main-9");
  });

  it("says how many listed tags it skipped as invalid names, and how many have the prefix", async () => {
    const lines: string[] = [];
    const registry: ImageRegistry = {
      tags: async () => ["main-1", "main 2", "main-3\n", "other"],
      created: async () => "2026-01-01T00:00:00Z",
    };
    await findLatestImage(registry, ui, (line) => lines.push(line));
    assert.deepEqual(lines, [
      "ui: skipped 2 of the tags listed in hsldevcom/jore4-ui: not valid tag names",
      "ui: 1 tags start with 'main' in hsldevcom/jore4-ui",
    ]);
    const clean: string[] = [];
    await findLatestImage(tableRegistry([["main-1", "2026-01-01T00:00:00Z"]]).registry, ui, (line) => clean.push(line));
    assert.deepEqual(
      clean,
      ["ui: 1 tags start with 'main' in hsldevcom/jore4-ui"],
      "no skipped line when none is skipped",
    );
  });

  it("reads up to maxCandidates (500) tags with the prefix, and refuses one more", async () => {
    const table = (count: number): [string, string][] =>
      Array.from({ length: count }, (_, index) => [`main-${index}`, "2026-01-01T00:00:00Z"]);
    assert.equal((await latestOf(table(500))).candidates, 500);
    const refused = await failure(table(501));
    assert.equal(
      refused.message,
      "ui: 501 tags start with 'main', more than the 500 whose images one lookup reads: name a longer prefix in https://registry-1.docker.io/hsldevcom/jore4-ui (services.ui.tagPrefix)",
    );
  });
});
