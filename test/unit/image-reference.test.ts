import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseImageReference } from "../../src/values/image-reference.ts";

describe("image references", () => {
  const valid: [string, { name: string; tag?: string; digest?: string }][] = [
    [
      "hsldevcom/jore4-auth:dockerize--bf95d6d8b7bacfd6b990b2e9d55e4f6a1554879b",
      { name: "hsldevcom/jore4-auth", tag: "dockerize--bf95d6d8b7bacfd6b990b2e9d55e4f6a1554879b" },
    ],
    ["postgis/postgis:12-3.1-alpine", { name: "postgis/postgis", tag: "12-3.1-alpine" }],
    ["nginx", { name: "nginx" }],
    ["registry.example.com:5000/team/app:v1.2.3", { name: "registry.example.com:5000/team/app", tag: "v1.2.3" }],
    [`app@sha256:${"a".repeat(64)}`, { name: "app", digest: `sha256:${"a".repeat(64)}` }],
    [`app:v1@sha256:${"b".repeat(64)}`, { name: "app", tag: "v1", digest: `sha256:${"b".repeat(64)}` }],
    // An IPv6 registry host, bracketed, as Docker accepts it.
    ["[::1]:5000/x:y", { name: "[::1]:5000/x", tag: "y" }],
    ["[2001:db8::1]/team/app", { name: "[2001:db8::1]/team/app" }],
  ];
  for (const [reference, expected] of valid) {
    it(`accepts ${reference.slice(0, 60)}`, () => {
      const parsed = parseImageReference(reference);
      assert.deepEqual(parsed, { name: expected.name, tag: expected.tag, digest: expected.digest });
    });
  }

  for (const reference of [
    "",
    "bad image",
    "app:",
    ":tag",
    "app:-tag",
    "app@sha256:short",
    "team/UpperCase",
    "app::1",
    `app:${"t".repeat(129)}`,
    "[::1]:5000",
    "[zz::1]:5000/x:y",
    "::1:5000/x:y",
    "app:main\nHASURA=evil",
  ]) {
    it(`rejects '${reference.slice(0, 40)}'`, () => assert.equal(parseImageReference(reference), undefined));
  }
});
