import { longerFirst, selectNonOverlapping } from '../non-overlapping.ts';
import type { Span } from './span.ts';

// Phone numbers in three shapes, each needing a shape a bare number does not have:
// - international: `+<country code>` and digit groups: `+14155552671`, `+44 20 7946 0958`,
//   `+1 (555) 123-4567`, `+44 (0)20 7946 0958`, `+49 30 123456`; 8–15 digits;
// - North American: `(555) 123-4567`, `555-123-4567`, `555.123.4567`, `1-555-123-4567`
//   (area code 2–9, consistent separators);
// - national with a trunk 0: `020 7946 0958`, `(030) 1234567`, `06 12 34 56 78`; 10–12 digits.
//
// Deliberately not phones: digit runs without a `+` (`1234567890`, order numbers, ms timestamps),
// dates (`2024-05-14`, `01.05.2024`), times, ISO timestamps, versions (`1.2.3`), IP addresses,
// prices, US ZIP+4 (`02134-1234`), 7-digit local numbers without an area code (`555-1234`),
// `00`-prefixed international numbers and numbers glued to a longer digit sequence. Each regex
// starts with a one-character lookbehind, so inside a long digit or letter run every position
// fails in O(1) and the scan stays linear.

const INTERNATIONAL = /(?<![\w+])\+[1-9]\d{0,2}(?:[ .-]?\(\d{1,4}\))?[ .-]?\d{1,12}(?:[ .-]\d{1,12}){0,5}(?![\w]|[.-]\d)/g;
const NORTH_AMERICAN =
  /(?<![\w.+\-/]|\d )(?:1[ .-]?)?(?:\([2-9]\d{2}\)[ .-]?|[2-9]\d{2}([ .-]))\d{3}([ .-])\d{4}(?![\w]|[ .-]\d)/g;
const TRUNK_PREFIXED =
  /(?<![\w.+\-/]|\d )(?:\(0[1-9]\d{0,3}\) ?|0[1-9]\d{0,3}([ .-]))\d{2,8}(?:[ .-]\d{2,8}){0,4}(?![\w]|[ .-]\d)/g;

const TRUNK_IN_PARENS = /\(0\)/;
const SEPARATOR = /[ .-]/g;

export const find = (text: string): Span[] => {
  const spans: Span[] = [];
  for (const match of text.matchAll(INTERNATIONAL)) {
    // `(0)` is the national trunk digit, not dialled from abroad, so it does not count.
    const digits = countDigits(match[0].replace(TRUNK_IN_PARENS, ''));
    if (digits >= 8 && digits <= 15) spans.push(spanOf(match));
  }
  for (const match of text.matchAll(NORTH_AMERICAN)) {
    // `555-123.4567` mixes separators the way dotted/dashed identifiers do, not phone numbers.
    const [, areaSeparator, lineSeparator] = match;
    if (areaSeparator === undefined || areaSeparator === lineSeparator) spans.push(spanOf(match));
  }
  for (const match of text.matchAll(TRUNK_PREFIXED)) {
    const digits = countDigits(match[0]);
    if (digits >= 10 && digits <= 12 && hasOneSeparatorKind(match[0])) spans.push(spanOf(match));
  }
  return selectNonOverlapping(spans, longerFirst);
};

const spanOf = (match: RegExpExecArray): Span => ({ start: match.index, end: match.index + match[0].length });

const countDigits = (value: string): number => {
  let count = 0;
  for (let index = 0; index < value.length; index += 1) {
    const code = value.charCodeAt(index);
    if (code >= 48 && code <= 57) count += 1;
  }
  return count;
};

/** `020 7946 0958` and `06.12.34.56.78`, not `01.05.2024 12` (a date and a time). */
const hasOneSeparatorKind = (value: string): boolean => {
  const afterParens = value.slice(value.indexOf(')') + 1).trimStart();
  return new Set(afterParens.match(SEPARATOR)).size <= 1;
};
