// Input normalization that keeps meaning: the model sees the same words, without the invisible
// characters used to smuggle text past filters or to waste tokens.
//
// - Control characters go (C0 except tab, line feed and carriage return; DEL; C1), as do
//   zero-width characters (U+200B–U+200D, U+2060, U+FEFF) and bidi overrides and isolates
//   (U+202A–U+202E, U+2066–U+2069), which can hide or reorder text ("Trojan Source").
// - Then Unicode NFC. Removal comes first so that `e` + U+200B + U+0301 composes to `é`: the
//   other order would leave `e` + U+0301 and a second pass would change it (not idempotent).
// - More than 3 blank lines in a row become 2.
// - Runs of more than 20 spaces/tabs after text on a line become one space. Leading indentation
//   is never touched, so code keeps its shape. Case is never changed.

// biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point.
const INVISIBLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b-\u200d\u2060\ufeff\u202a-\u202e\u2066-\u2069]/g;
// A line break, then 4+ lines holding at most spaces/tabs, each ended by a line break.
const BLANK_LINES = /(\r?\n)(?:[ \t]*\r?\n){4,}/g;
// The lookbehind needs one character of text before the run; inside a long run of spaces every
// position fails it at once, so this is one linear pass.
const INNER_WHITESPACE = /(?<=[^ \t\r\n])[ \t]{21,}/g;

export const normalizeText = (text: string): { text: string; changed: boolean } => {
  const normalized = text
    .replace(INVISIBLE, '')
    .normalize('NFC')
    .replace(BLANK_LINES, (_, lineBreak: string) => lineBreak.repeat(3))
    .replace(INNER_WHITESPACE, ' ');
  return { text: normalized, changed: normalized !== text };
};
