import { isCardNumber } from './card-networks.ts';
import { isAsciiAlnum, isDigit } from './chars.ts';
import type { Span } from './span.ts';

// Payment card numbers (PANs): 13–19 digits, written solid or in groups separated by single
// spaces or dashes (4-4-4-4[-1..4], Amex 4-6-5, Diners 4-6-4), that pass Luhn AND start with a
// known network's IIN at a length that network issues.
//
// Deliberately not cards: Luhn-valid runs with an unknown IIN (13-digit ms timestamps start with
// 1), numbers inside longer digit runs or dotted/lettered tokens (UUID parts, hashes, decimals),
// irregular groupings (`4111 11 1111111111`), and masked PANs (`4111 **** **** 1111`).

// Maximal runs of at least 13 digits joined by single spaces or dashes. Each repetition takes
// exactly one digit, so there is one way to match and nothing to backtrack into; shorter runs
// fail within 13 digits. Not a continuation of a word, a decimal or a dashed token (`a716-4466…`).
const DIGIT_RUN = /(?<![\w.]|\w-)\d(?:[ -]?\d){12,}/g;
const MAX_DIGITS = 19;

export const find = (text: string): Span[] => {
  const spans: Span[] = [];
  for (const match of text.matchAll(DIGIT_RUN)) {
    const end = match.index + match[0].length;
    // Followed by a letter, `_` or `.5`: part of an identifier or a decimal, not a card.
    const next = text.charCodeAt(end);
    if (isAsciiAlnum(next) || next === 95 || (next === 46 && isDigit(text.charCodeAt(end + 1)))) continue;
    findInRun(match[0], match.index, spans);
  }
  return spans;
};

/**
 * Tries each group of the run as a card's first group, so a card inside a longer run of groups
 * ("4111 1111 1111 1111 2029") is still found. A solid group must be the whole card.
 */
const findInRun = (run: string, offset: number, spans: Span[]): void => {
  // Group i spans [starts[i], ends[i]); typed arrays avoid an object per group on huge runs.
  const starts = new Int32Array(run.length);
  const ends = new Int32Array(run.length);
  let count = 0;
  let groupStart = 0;
  for (let index = 0; index <= run.length; index += 1) {
    if (index === run.length || !isDigit(run.charCodeAt(index))) {
      starts[count] = groupStart;
      ends[count] = index;
      count += 1;
      groupStart = index + 1;
    }
  }
  let first = 0;
  while (first < count) {
    const last = longestCardFrom(run, starts, ends, count, first);
    if (last === undefined) {
      first += 1;
      continue;
    }
    spans.push({ start: offset + (starts[first] ?? 0), end: offset + (ends[last] ?? 0) });
    first = last + 1;
  }
};

/** The index of the last group of the longest valid card starting at group `first`. */
const longestCardFrom = (run: string, starts: Int32Array, ends: Int32Array, count: number, first: number): number | undefined => {
  const headStart = starts[first] ?? 0;
  const headLength = (ends[first] ?? 0) - headStart;
  if (headLength >= 13)
    return headLength <= MAX_DIGITS && isCardNumber(run, headStart, headStart + headLength) ? first : undefined;
  if (headLength !== 4) return undefined;
  const separator = run.charCodeAt(headStart + 4);
  let digits = headLength;
  let best: number | undefined;
  let previousAllFour = true;
  let secondIsSix = false;
  for (let index = first + 1; index < count; index += 1) {
    const start = starts[index] ?? 0;
    const length = (ends[index] ?? 0) - start;
    if (run.charCodeAt(start - 1) !== separator) break;
    digits += length;
    if (digits > MAX_DIGITS) break;
    const groups = index - first + 1;
    // 4-4-4-4 with a shorter last group, or Amex 4-6-5 / Diners 4-6-4.
    const standard = previousAllFour && length <= 4;
    const amexLike = groups === 3 && secondIsSix && (length === 5 || length === 4);
    if (digits >= 13 && (standard || amexLike) && isCardNumber(run, headStart, start + length)) {
      best = index;
    }
    if (groups === 2) secondIsSix = length === 6;
    previousAllFour &&= length === 4;
    if (!previousAllFour && (groups >= 3 || !secondIsSix)) break;
  }
  return best;
};
