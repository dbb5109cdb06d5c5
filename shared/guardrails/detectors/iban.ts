import { ibanLengths } from './iban-lengths.ts';
import type { Span } from './span.ts';

// IBANs: two uppercase letters, two check digits and the BBAN, written solid or in groups of
// four separated by single spaces (the last group may be shorter), with the country's length
// (15–34 for countries not in the table) and ISO 7064 mod-97 = 1.
//
// Deliberately not IBANs: lowercase or mixed-case forms, other groupings (`DE89-3704-…`),
// and anything inside a longer alphanumeric token. A trailing uppercase word after a spaced IBAN
// ("… 0130 00 EUR") is cut off at the country's length.

// Bounded, and a one-character lookbehind: inside a long letter or digit run every start fails at once.
const CANDIDATE = /(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}(?![A-Za-z0-9])/g;

export const find = (text: string): Span[] => {
  const spans: Span[] = [];
  for (const match of text.matchAll(CANDIDATE)) {
    const length = ibanLength(match[0]);
    if (length !== undefined) spans.push({ start: match.index, end: match.index + length });
  }
  return spans;
};

/** The length (in characters, spaces included) of the valid IBAN at the start of the candidate. */
const ibanLength = (candidate: string): number | undefined => {
  const expected = ibanLengths[candidate.slice(0, 2)];
  const fits = (length: number): boolean => (expected === undefined ? length >= 15 && length <= 34 : length === expected);
  if (!candidate.includes(' ')) return fits(candidate.length) && passesMod97(candidate) ? candidate.length : undefined;
  const groups = candidate.split(' ');
  // Every group but the last has four characters; the longest prefix of whole groups that
  // validates wins, so a trailing "EUR" or reference number is left out.
  let compact = '';
  let valid: number | undefined;
  for (const [index, group] of groups.entries()) {
    if (group.length === 0 || group.length > 4) break;
    compact += group;
    const characters = compact.length + index;
    if (fits(compact.length) && passesMod97(compact)) valid = characters;
    if (group.length < 4) break;
  }
  return valid;
};

/** ISO 7064 MOD 97-10: move the first four characters to the end, letters become 10–35. */
const passesMod97 = (iban: string): boolean => {
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (let index = 0; index < rearranged.length; index += 1) {
    const code = rearranged.charCodeAt(index);
    remainder = code <= 57 ? (remainder * 10 + (code - 48)) % 97 : (remainder * 100 + (code - 55)) % 97;
  }
  return remainder === 1;
};
