// Operator deny lists. An entry is either a phrase, matched case-insensitively on word
// boundaries with any whitespace between its words ("wire  transfer\nnow" matches
// "wire transfer now"), or a `/regex/flags` literal. A match reports the entry's index as
// `deny:<index>`, never the matched text, so the reason can be logged and returned safely.
//
// Regex entries come from operator configuration and are trusted to be linear; they compile once,
// at cold start. `g` and `y` are dropped: they make `test` stateful between calls.

const REGEX_ENTRY = /^\/(.+)\/([a-z]*)$/s;
const SPECIAL = /[.*+?^${}()|[\]\\]/g;
const WHITESPACE = /\s+/;
const WORD_CHAR = /[\p{L}\p{N}_]/u;

export type DenyListMatcher = (text: string) => string[];

export const compileDenyList = (entries: readonly string[]): DenyListMatcher => {
  const compiled = entries.map((entry, index) => ({ code: `deny:${index}`, pattern: compileEntry(entry, index) }));
  if (compiled.length === 0) return () => [];
  return (text) => compiled.filter(({ pattern }) => pattern.test(text)).map(({ code }) => code);
};

const compileEntry = (entry: string, index: number): RegExp => {
  const literal = REGEX_ENTRY.exec(entry);
  if (literal) {
    const [, source = '', flags = ''] = literal;
    try {
      return new RegExp(source, flags.replace(/[gy]/g, ''));
    } catch (error) {
      throw new Error(`Deny list entry ${index} is not a valid regular expression: ${(error as Error).message}`);
    }
  }
  const words = entry
    .trim()
    .split(WHITESPACE)
    .filter((word) => word.length > 0);
  if (words.length === 0) throw new Error(`Deny list entry ${index} is empty.`);
  const phrase = words.map((word) => word.replace(SPECIAL, '\\$&')).join('\\s+');
  // A boundary only makes sense next to a word character: "c++" ends in '+', "#tag" starts with '#'.
  const before = WORD_CHAR.test(entry.trim().at(0) ?? '') ? '(?<![\\p{L}\\p{N}_])' : '';
  const after = WORD_CHAR.test(entry.trim().at(-1) ?? '') ? '(?![\\p{L}\\p{N}_])' : '';
  return new RegExp(`${before}${phrase}${after}`, 'iu');
};
