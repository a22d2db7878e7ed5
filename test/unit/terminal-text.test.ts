import assert from "node:assert/strict";
import { test } from "node:test";
import { terminalLineLength, terminalText, terminalTextLength } from "../../src/terminal-text.ts";

test("terminal escapes are dropped: colours, a window title, a hyperlink, a device control string", () => {
  assert.equal(terminalText("\u001b[31;1mred\u001b[0m and \u001b[2Kcleared"), "red and cleared");
  assert.equal(terminalText("a\u001b]0;owned title\u0007b"), "ab");
  assert.equal(terminalText("a\u001b]8;;https://evil.invalid\u001b\\link\u001b]8;;\u001b\\b"), "alinkb");
  assert.equal(terminalText("a\u001bPq#0;2;0;0;0\u001b\\b"), "ab");
  // 8-bit CSI, as some terminals read it.
  assert.equal(terminalText("a\u009b2Jb"), "ab");
});

test("no line break survives: newline, CRLF, a bare carriage return (which rewrites the line), and Unicode's", () => {
  assert.equal(terminalText("first\nerror: faked line"), "first error: faked line");
  assert.equal(terminalText("first  \r\n\r\n   second\rthird"), "first second third");
  assert.equal(terminalText("a\u2028b\u2029c\u0085d\u000bf\u000cg"), "a b c d f g");
  assert.equal(terminalText("tab\there"), "tab here");
  assert.equal(terminalText("\r\n  message\n\n"), "message", "none left at either end");
});

test("other control characters and bidirectional overrides show as a replacement character", () => {
  assert.equal(
    terminalText("bell\u0007 backspace\u0008 nul\u0000 del\u007f"),
    "bell\ufffd backspace\ufffd nul\ufffd del\ufffd",
  );
  assert.equal(terminalText("\u202egnp.exe"), "\ufffdgnp.exe");
  assert.equal(terminalText("an escape alone \u001b"), "an escape alone \ufffd");
});

test("ordinary text, non-ASCII included, passes unchanged", () => {
  const text = "Applied revision: dev@sha1:0123456789abcdef → Jöns Ärrä <jons@example.invalid> 🚀";
  assert.equal(terminalText(text), text);
});

test("a long text is cut at the cap with an ellipsis, counted in characters", () => {
  const long = "x".repeat(terminalTextLength + 50);
  const cut = terminalText(long);
  assert.equal([...cut].length, terminalTextLength);
  assert.ok(cut.endsWith("x\u2026"));
  assert.equal(terminalText("x".repeat(terminalTextLength)), "x".repeat(terminalTextLength), "at the cap: whole");
  assert.equal(terminalText("🚀".repeat(10), 5), "🚀🚀🚀🚀\u2026", "no emoji is split in half");
  assert.equal([...terminalText("y".repeat(5000), terminalLineLength)].length, terminalLineLength);
});
