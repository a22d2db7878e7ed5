import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { mergeValues } from "../../src/values/merge.ts";

describe("merging values files", () => {
  it("merges maps deeply, key by key", () => {
    const merged = mergeValues(
      { services: { auth: { image: "a:1", port: 8080 } } },
      { services: { auth: { image: "a:2" }, ui: { image: "u:1" } } },
    );
    assert.deepEqual(merged, { services: { auth: { image: "a:2", port: 8080 }, ui: { image: "u:1" } } });
  });

  it("replaces lists whole", () => {
    assert.deepEqual(mergeValues({ command: ["a", "b", "c"] }, { command: ["d"] }), { command: ["d"] });
  });

  it("removes a key set to null in the override", () => {
    const merged = mergeValues(
      { secrets: { id: { keyVault: "kv-id", local: undefined } }, keep: 1 },
      { secrets: { id: { keyVault: null, local: "x" } } },
    );
    assert.deepEqual(merged, { secrets: { id: { local: "x" } }, keep: 1 });
  });

  it("drops nulls of a map that replaces a scalar", () => {
    assert.deepEqual(mergeValues({ a: "scalar" }, { a: { b: null, c: 1 } }), { a: { c: 1 } });
  });

  it("lets a scalar override replace a map", () => {
    assert.deepEqual(mergeValues({ a: { b: 1 } }, { a: 2 }), { a: 2 });
  });

  it("leaves the inputs untouched", () => {
    const base = { services: { auth: { image: "a:1" } } };
    mergeValues(base, { services: { auth: { image: null } } });
    assert.deepEqual(base, { services: { auth: { image: "a:1" } } });
  });
});
