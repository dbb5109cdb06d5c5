import { foldForMatching } from './fold.ts';

// Operator deny lists. An entry is either a phrase, matched case-insensitively on word
// boundaries with any whitespace between its words ("wire  transfer\nnow" matches
// "wire transfer now"), or a `/regex/flags` literal. A match reports the entry's index as
// `deny:<index>`, never the matched text, so the reason can be logged and returned safely.
//
// Every entry is tried on the text and on its folded copy (fold.ts), so "project nightingale"
// with a Cyrillic `і`, in fullwidth letters or with zero-width spaces inside still matches; a
// phrase is folded the same way before it is compiled for the copy.
//
// Regex entries come from operator configuration and are trusted to be linear; they compile once,
// at cold start. `g` and `y` are dropped: they make `test` stateful between calls.

const REGEX_ENTRY = /^\/(.+)\/([a-z]*)$/s;
const SPECIAL = /[.*+?^${}()|[\]\\]/g;
const WHITESPACE = /\s+/;
const WORD_CHAR = /[\p{L}\p{N}_]/u;

/**
 * The codes of the entries found, in entry order. Given several texts (the strings of a request),
 * each is read on its own: a phrase never matches across two of them.
 */
export type DenyListMatcher = (texts: string | readonly string[]) => string[];

export const compileDenyList = (entries: readonly string[]): DenyListMatcher => {
  const compiled = entries.map((entry, index) => {
    const pattern = compileEntry(entry, index);
    // A phrase that folding changes gets a pattern of its own for the folded copy.
    const foldedEntry = REGEX_ENTRY.test(entry) ? undefined : foldForMatching(entry)?.text;
    const foldedPattern = foldedEntry === undefined || foldedEntry.trim() === '' ? pattern : compileEntry(foldedEntry, index);
    return { code: `deny:${index}`, pattern, foldedPattern };
  });
  if (compiled.length === 0) return () => [];
  return (texts) => {
    const found = new Set<string>();
    for (const text of typeof texts === 'string' ? [texts] : texts) {
      // Folded once per text, and only when some entry did not match the text itself.
      let folded: string | null | undefined = null;
      for (const { code, pattern, foldedPattern } of compiled) {
        if (found.has(code)) continue;
        if (pattern.test(text)) {
          found.add(code);
          continue;
        }
        if (folded === null) folded = foldForMatching(text)?.text;
        if (folded !== undefined && foldedPattern.test(folded)) found.add(code);
      }
    }
    return compiled.filter(({ code }) => found.has(code)).map(({ code }) => code);
  };
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
