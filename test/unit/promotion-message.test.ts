import assert from "node:assert/strict";
import { test } from "node:test";
import {
  parseImageChange,
  parseTrailerLines,
  promotionMessage,
  readClaims,
  trailerKeys,
  trailerValue,
  trailerValues,
} from "../../src/promotion/message.ts";

const source = "a".repeat(40);
const target = "b".repeat(40);

test("a promotion message ends in trailers git can parse: from, to, commits and every image change", () => {
  const message = promotionMessage({
    fromBranch: "dev",
    toStage: "test",
    toBranch: "test",
    sourceCommit: source,
    targetCommit: target,
    changes: [
      { service: "ui", from: "hsldevcom/jore4-ui:v1", to: "hsldevcom/jore4-ui:v2" },
      { service: "mbtiles", from: undefined, to: "hsldevcom/jore4-mbtiles:v1" },
    ],
  });
  assert.equal(message.split("\n")[0], "Promote dev to test");
  const trailerBlock = message.trimEnd().split("\n\n").at(-1)!;
  assert.equal(
    trailerBlock,
    [
      "Promoted-From: dev",
      "Promoted-To: test",
      `Source-Commit: ${source}`,
      `Target-Commit: ${target}`,
      "Image-Changed: ui hsldevcom/jore4-ui:v1 -> hsldevcom/jore4-ui:v2",
      "Image-Changed: mbtiles (none) -> hsldevcom/jore4-mbtiles:v1",
    ].join("\n"),
  );
  const trailers = parseTrailerLines(trailerBlock);
  assert.equal(trailerValue(trailers, "source-commit"), source);
  assert.deepEqual(trailerValues(trailers, "Image-Changed").map(parseImageChange), [
    { service: "ui", from: "hsldevcom/jore4-ui:v1", to: "hsldevcom/jore4-ui:v2" },
    { service: "mbtiles", from: undefined, to: "hsldevcom/jore4-mbtiles:v1" },
  ]);
});

test("a promotion with no image change says so, and a creating promotion has no Target-Commit", () => {
  const message = promotionMessage({
    fromBranch: "main",
    toStage: "dev",
    toBranch: "dev",
    sourceCommit: source,
    targetCommit: undefined,
    changes: [],
  });
  assert.match(message, /No image changes on dev; this merge records that dev was promoted\./);
  assert.equal(trailerValue(parseTrailerLines(message), "Target-Commit"), undefined);
  assert.equal(parseImageChange("not a change"), undefined);
});

test("readClaims says what trailerValue and trailerValues say for every promotion trailer: any case, the first value, every image change", () => {
  const trailers = parseTrailerLines(
    [
      "promoted-from: main",
      "Signed-off-by: Alice <alice@example.invalid>",
      "PROMOTED-TO: dev",
      "Source-Commit: " + source,
      "Image-Changed: ui (none) -> hsldevcom/jore4-ui:v1",
      "Promoted-From: test",
      "image-changed: auth (none) -> hsldevcom/jore4-auth:v1",
      "Hotfix:",
    ].join("\n"),
  );
  const claims = readClaims(trailers);
  const { imageChanged, ...single } = trailerKeys;
  for (const [claim, key] of Object.entries(single))
    assert.equal(claims[claim as keyof typeof single], trailerValue(trailers, key), key);
  assert.deepEqual(claims.imageChanged, trailerValues(trailers, imageChanged));
  assert.deepEqual(
    [claims.promotedFrom, claims.promotedTo, claims.hotfix, claims.targetCommit, claims.imageChanged.length],
    ["main", "dev", "", undefined, 2],
  );
});
