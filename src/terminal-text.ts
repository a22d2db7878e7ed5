/** The longest field a text report prints from outside: a long Flux message stays readable in one line. */
export const terminalTextLength = 240;

/**
 * The cap of a sentence of ours that quotes a field from outside (a status reason listing every
 * Deployment, a history warning quoting a commit's claims): longer than one field, still bounded.
 */
export const terminalLineLength = 4 * terminalTextLength;

/**
 * ECMA-48's escape sequences, in 7-bit and 8-bit form: control strings (a window title, a
 * hyperlink, a device control string) up to their terminator (or the end: a terminal would
 * swallow the rest too), control sequences (colours, cursor moves, erasing), and the other
 * escapes. (Node's stripVTControlCharacters leaves a window title with a space in it.)
 */
const escapeSequence =
  // eslint-disable-next-line no-control-regex -- finding control characters is what this module is for
  /(?:\u001b[PX\]^_]|[\u0090\u0098\u009d-\u009f])[\s\S]*?(?:\u0007|\u001b\\|\u009c|$)|(?:\u001b\[|\u009b)[\u0030-\u003f]*[\u0020-\u002f]*[\u0040-\u007e]|\u001b[\u0020-\u002f]*[\u0030-\u007e]/g;

/** Anything a terminal or a reader takes as the end of a line, with the blanks around it. */
const lineBreak = /[ \t]*(?:\r\n|[\n\r\v\f\u0085\u2028\u2029])\s*/g;

/** The control characters left (a lone escape, a backspace, a bell, C1) and the bidirectional overrides that reorder what is shown. */
// eslint-disable-next-line no-control-regex -- as above
const control = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text from outside (Flux's messages, kubectl's complaints, commit authors and subjects) as one
 * line a text report can print: whatever it holds, it neither drives the terminal (escape
 * sequences are dropped, other control characters shown as U+FFFD) nor starts what looks like a
 * line of the report (line breaks, carriage returns and the blanks around them become one space;
 * none is left at either end), and it is at most `maxLength` characters, cut with an ellipsis.
 * Every text report prints such fields through here; JSON output keeps them whole (JSON escapes
 * control characters itself).
 */
export function terminalText(text: string, maxLength = terminalTextLength): string {
  const oneLine = text
    .replace(escapeSequence, "")
    .replace(lineBreak, " ")
    .replaceAll("\t", " ")
    .replace(control, "\ufffd")
    .trim();
  const characters = [...oneLine];
  return characters.length <= maxLength ? oneLine : `${characters.slice(0, maxLength - 1).join("")}\u2026`;
}
