import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  addsToNote,
  formatNote,
  mergeNotes,
  mergeRecords,
  parseNote,
  recordOf,
  type EvidenceEvent,
  type Note,
} from "../../src/evidence/model.ts";

const note = (...events: EvidenceEvent[]): Note => ({ events, other: [] });
const applied = (at: string, stage = "dev"): EvidenceEvent => ({ stage, kind: "applied", at });

describe("evidence: the note text", () => {
  test("round trip: one line per event in time order, details as JSON, other lines kept", () => {
    const text = [
      "2026-12-07T21:04:09Z dev rolled-out",
      '2026-12-07T21:10:00Z test failed {"reason":"ConfigMap/x dry-run failed: \\"not a key\\""}',
      "2026-12-07T21:04:05Z dev applied",
      "checked by hand: fine",
    ].join("\n");
    const parsed = parseNote(text);
    assert.deepEqual(
      parsed.events.map((event) => [event.at, event.stage, event.kind]),
      [
        ["2026-12-07T21:04:05Z", "dev", "applied"],
        ["2026-12-07T21:04:09Z", "dev", "rolled-out"],
        ["2026-12-07T21:10:00Z", "test", "failed"],
      ],
    );
    assert.equal(parsed.events[2]!.details?.reason, 'ConfigMap/x dry-run failed: "not a key"');
    assert.deepEqual(parsed.other, ["checked by hand: fine"]);
    assert.equal(
      formatNote(parsed),
      [
        "2026-12-07T21:04:05Z dev applied",
        "2026-12-07T21:04:09Z dev rolled-out",
        '2026-12-07T21:10:00Z test failed {"reason":"ConfigMap/x dry-run failed: \\"not a key\\""}',
        "checked by hand: fine",
        "",
      ].join("\n"),
    );
    assert.deepEqual(parseNote(formatNote(parsed)), parsed);
  });

  test("a line that only looks like an event (unknown kind, details not an object of strings) is kept as text", () => {
    const parsed = parseNote(
      '2026-12-07T21:04:05Z dev exploded\n2026-12-07T21:04:05Z dev failed {"reason":1}\n2026-12-07T21:04:05Z dev failed {oops',
    );
    assert.equal(parsed.events.length, 0);
    assert.equal(parsed.other.length, 3);
  });
});

describe("evidence: merging records", () => {
  test("idempotent: merging the same events again adds nothing", () => {
    const a = note(applied("2026-12-07T21:00:00Z"), { stage: "dev", kind: "rolled-out", at: "2026-12-07T21:00:04Z" });
    const once = mergeNotes(a, a);
    assert.deepEqual(once, a);
    assert.equal(addsToNote(a, a), false);
  });

  test("one fact observed twice (two record runs a second apart) is kept once, the earlier observation", () => {
    const merged = mergeNotes(note(applied("2026-12-07T21:00:02Z")), note(applied("2026-12-07T21:00:01Z")));
    assert.deepEqual(merged.events, [applied("2026-12-07T21:00:01Z")]);
    const other = mergeNotes(note(applied("2026-12-07T21:00:01Z")), note(applied("2026-12-07T21:00:02Z")));
    assert.deepEqual(other, merged, "the same whichever is merged into which");
  });

  test("different stages, kinds, failure reasons and promotions are different facts", () => {
    const events: EvidenceEvent[] = [
      applied("2026-12-07T21:00:00Z", "dev"),
      applied("2026-12-07T21:00:00Z", "test"),
      { stage: "dev", kind: "failed", at: "2026-12-07T21:01:00Z", details: { reason: "a" } },
      { stage: "dev", kind: "failed", at: "2026-12-07T21:02:00Z", details: { reason: "b" } },
      { stage: "dev", kind: "failed", at: "2026-12-07T21:03:00Z", details: { reason: "a" } },
      { stage: "dev", kind: "promoted", at: "2026-12-07T21:00:00Z", details: { source: "1".repeat(40) } },
      { stage: "dev", kind: "promoted", at: "2026-12-07T21:00:00Z", details: { source: "2".repeat(40) } },
    ];
    const merged = events.reduce((sum, event) => mergeNotes(sum, note(event)), note());
    assert.equal(merged.events.length, 6, "only the repeated failure 'a' is dropped");
  });

  test("records merge commit by commit; other lines are not doubled", () => {
    const a = recordOf([{ commit: "a".repeat(40), event: applied("2026-12-07T21:00:00Z") }]);
    const b = new Map([
      ["a".repeat(40), { events: [applied("2026-12-07T21:00:00Z", "test")], other: ["remark"] }],
      ["b".repeat(40), note(applied("2026-12-07T22:00:00Z"))],
    ]);
    const merged = mergeRecords(mergeRecords(a, b), b);
    assert.equal(merged.size, 2);
    assert.equal(merged.get("a".repeat(40))!.events.length, 2);
    assert.deepEqual(merged.get("a".repeat(40))!.other, ["remark"]);
  });
});
