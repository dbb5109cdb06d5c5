import { homoglyphs } from './homoglyphs.ts';

// A folded copy of a text, for matching only: never sent, never shown. Detectors and deny lists
// run on the original and on this copy, so text written to look the same to a reader while
// dodging a pattern is still caught:
// - invisible characters go (controls, zero-width and bidi marks, soft hyphens, variation
//   selectors, tag characters: Unicode's default-ignorables): `bob\u200b@example.com`;
// - NFKC, per character: fullwidth and stylized forms become ASCII (`bob＠example.com`, `１２３`,
//   mathematical letters), and so do most Unicode spaces. A character NFKC spells out in more than
//   four (`ﷺ`, 18) is kept: nothing to find in it, and a megabyte of them must not become 18;
// - every dash and minus sign becomes `-`, every remaining space separator a space;
// - look-alike letters of other scripts become the ASCII letter they render as (homoglyphs.ts);
// - separators inside numbers close up: spaces around a dash between digits go
//   (`123 - 45 - 6789` -> `123-45-6789`), and so do the spaces of digits written one by one
//   (`1 2 3 4` -> `1234`). Groups of two or more digits keep their spaces: `123 45 6789` stays
//   as it is, like every other grouping the detectors decline on purpose.
// Case is kept: detectors tell `AKIA…` from `akia…`. A match in the copy is reported (and
// redacted) at the span of the original it came from.
//
// Cost: one native regex scan finds the characters that can change; most text has none and
// allocates nothing. Offsets are recorded only where a replacement changes the length.

export interface FoldedText {
  readonly text: string;
  /** From the copy back to the text it was folded from, innermost step first. */
  readonly steps: readonly OffsetMap[];
}

/** The folded copy, or undefined when folding changes nothing. */
export const foldForMatching = (text: string): FoldedText | undefined => {
  const characters = foldCharacters(text);
  const base = characters?.text ?? text;
  const numbers = closeNumberSeparators(base);
  if (numbers === undefined) return characters === undefined ? undefined : { text: base, steps: [characters.map] };
  return { text: numbers.text, steps: characters === undefined ? [numbers.map] : [numbers.map, characters.map] };
};

/** The span of the original text that a span (`end` > `start`) of the folded copy came from. */
export const originalSpan = (folded: FoldedText, start: number, end: number): { start: number; end: number } => {
  let span = { start, end };
  for (const step of folded.steps) span = { start: step.unitStart(span.start), end: step.unitEnd(span.end - 1) };
  return span;
};

/**
 * Offsets from a rewritten text back to its source, as the replacements that changed the length:
 * every other unit sits at a fixed distance from its source, set by the last replacement before it.
 */
export class OffsetMap {
  /** Per replacement, four numbers: start and end in the rewritten text, start and end in the source. */
  #pieces = new Int32Array(64);
  #length = 0;

  add(start: number, end: number, sourceStart: number, sourceEnd: number): void {
    if (this.#length + 4 > this.#pieces.length) {
      const grown = new Int32Array(this.#pieces.length * 2);
      grown.set(this.#pieces);
      this.#pieces = grown;
    }
    this.#pieces[this.#length++] = start;
    this.#pieces[this.#length++] = end;
    this.#pieces[this.#length++] = sourceStart;
    this.#pieces[this.#length++] = sourceEnd;
  }

  /** Where the source of unit `index` starts. */
  unitStart(index: number): number {
    const piece = this.#lastPieceFrom(index) * 4;
    if (piece < 0) return index;
    const end = this.#pieces[piece + 1] ?? 0;
    return index < end ? (this.#pieces[piece + 2] ?? 0) : index - end + (this.#pieces[piece + 3] ?? 0);
  }

  /** Where the source of unit `index` ends. */
  unitEnd(index: number): number {
    const piece = this.#lastPieceFrom(index) * 4;
    if (piece < 0) return index + 1;
    const end = this.#pieces[piece + 1] ?? 0;
    const sourceEnd = this.#pieces[piece + 3] ?? 0;
    return index < end ? sourceEnd : index - end + sourceEnd + 1;
  }

  /** The last replacement starting at or before `index` (replacements are added in order), or -1. */
  #lastPieceFrom(index: number): number {
    let low = 0;
    let high = this.#length / 4;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.#pieces[middle * 4] ?? 0) <= index) low = middle + 1;
      else high = middle;
    }
    return low - 1;
  }
}

// --- Writing the copy ----------------------------------------------------------------------------

// UTF-16 units into a typed array, decoded once: a string built a character at a time, or a
// `replace` callback per match, costs ten times as much on a megabyte of fullwidth text.
const decoder = new TextDecoder('utf-16le', { ignoreBOM: true });

/** Builds the copy, starting at the first unit that changes (the units before it are copied). */
class CopyWriter {
  readonly map = new OffsetMap();
  #units: Uint16Array;
  #length = 0;

  constructor(source: string, firstChange: number) {
    this.#units = new Uint16Array(source.length + 16);
    this.copy(source, 0, firstChange);
  }

  /** Units `from` to `to` of the source, unchanged. */
  copy(source: string, from: number, to: number): void {
    this.#reserve(to - from);
    for (let index = from; index < to; index += 1) this.#units[this.#length++] = source.charCodeAt(index);
  }

  /** `replacement` in place of the source's units `sourceStart` to `sourceEnd`. */
  replace(replacement: string, sourceStart: number, sourceEnd: number): void {
    if (replacement.length !== sourceEnd - sourceStart) {
      this.map.add(this.#length, this.#length + replacement.length, sourceStart, sourceEnd);
    }
    this.#reserve(replacement.length);
    for (let index = 0; index < replacement.length; index += 1) this.#units[this.#length++] = replacement.charCodeAt(index);
  }

  finish(): { text: string; map: OffsetMap } {
    return { text: decoder.decode(this.#units.subarray(0, this.#length)), map: this.map };
  }

  #reserve(units: number): void {
    if (this.#length + units <= this.#units.length) return;
    const grown = new Uint16Array(Math.max(this.#units.length * 2, this.#length + units));
    grown.set(this.#units.subarray(0, this.#length));
    this.#units = grown;
  }
}

// --- Characters ----------------------------------------------------------------------------------

const HOMOGLYPH_CLASS = [...homoglyphs.keys()].map((code) => `\\u{${code.toString(16)}}`).join('');
/**
 * Any character folding can change: what NFKC (or its case folding) changes, dashes, spaces,
 * default-ignorables, controls and the look-alikes, less printable ASCII. One native scan tells
 * the (common) text that has none.
 */
const FOLDABLE = new RegExp(
  `[[\\p{Changes_When_NFKC_Casefolded}\\p{Pd}\\p{Zs}\\p{Default_Ignorable_Code_Point}\\p{Cc}${HOMOGLYPH_CLASS}]--[\\t\\n\\r\\x20-\\x7e]]`,
  'v',
);
const INVISIBLE = /^[\p{Default_Ignorable_Code_Point}\p{Cc}]$/u;
const DASH = /[\p{Pd}\u2212]/gu;
const SPACE = /\p{Zs}/gu;
const NON_ASCII = /[\u0080-\u{10ffff}]/gu;
const MAX_EXPANSION = 4;

// The fold of each character is worked out once: text in any script repeats a small alphabet.
// For the Basic Multilingual Plane a table says whether a character changes at all (0: not seen
// yet, 1: no, 2: yes, see `folds`); the few astral characters met are kept in `folds`, bounded.
const BMP_UNCHANGED = 1;
const BMP_CHANGED = 2;
const bmpState = new Uint8Array(0x10000);
const folds = new Map<number, string | null>();
const MAX_ASTRAL = 16_384;

const computeFold = (code: number): string | null => {
  const character = String.fromCodePoint(code);
  let folded = homoglyphs.get(code);
  if (folded === undefined && INVISIBLE.test(character)) folded = '';
  if (folded === undefined) {
    const compatible = character.normalize('NFKC');
    folded = (compatible.length > MAX_EXPANSION ? character : compatible)
      .replace(DASH, '-')
      .replace(SPACE, ' ')
      .replace(NON_ASCII, (other) => homoglyphs.get(other.codePointAt(0) ?? 0) ?? other);
  }
  return folded === character ? null : folded;
};

/** The fold of one character, or null when folding leaves it as it is. */
const foldOf = (code: number): string | null => {
  if (code < 0x10000) {
    const state = bmpState[code];
    if (state === BMP_UNCHANGED) return null;
    if (state === BMP_CHANGED) return folds.get(code) ?? null;
    const folded = computeFold(code);
    bmpState[code] = folded === null ? BMP_UNCHANGED : BMP_CHANGED;
    if (folded !== null) folds.set(code, folded);
    return folded;
  }
  const cached = folds.get(code);
  if (cached !== undefined) return cached;
  const folded = computeFold(code);
  if (folds.size >= MAX_ASTRAL) {
    // Only astral entries go: BMP entries are few (what NFKC changes) and the table points at them.
    for (const key of folds.keys()) if (key >= 0x10000) folds.delete(key);
  }
  folds.set(code, folded);
  return folded;
};

const isPlainAscii = (code: number): boolean => (code >= 0x20 && code < 0x7f) || code === 0x09 || code === 0x0a || code === 0x0d;

const foldCharacters = (text: string): { text: string; map: OffsetMap } | undefined => {
  if (!FOLDABLE.test(text)) return undefined;
  let writer: CopyWriter | undefined;
  // The start of the units not yet written: unchanged text is copied in stretches.
  let pending = 0;
  for (let index = 0; index < text.length; ) {
    const unit = text.charCodeAt(index);
    if (isPlainAscii(unit)) {
      index += 1;
      continue;
    }
    const code = text.codePointAt(index) ?? unit;
    const width = code > 0xffff ? 2 : 1;
    const folded = foldOf(code);
    if (folded !== null) {
      if (writer === undefined) writer = new CopyWriter(text, index);
      else writer.copy(text, pending, index);
      writer.replace(folded, index, index + width);
      pending = index + width;
    }
    index += width;
  }
  if (writer === undefined) return undefined;
  writer.copy(text, pending, text.length);
  return writer.finish();
};

// --- Separators inside numbers -----------------------------------------------------------------------

const isDigit = (code: number): boolean => code >= 48 && code <= 57;
const SPACE_UNIT = 32;
const TAB = 9;
const HYPHEN = 45;
/** A separator longer than this is not inside a number. */
const MAX_GAP = 4;

/**
 * Closes `123 - 45` to `123-45` and `1 2 3` to `123`. One pass: each gap between digits is looked
 * at once, and only a few units ahead.
 */
const closeNumberSeparators = (text: string): { text: string; map: OffsetMap } | undefined => {
  let writer: CopyWriter | undefined;
  let pending = 0;
  // Digits in the run ending just before `index`.
  let group = 0;
  for (let index = 0; index < text.length; index += 1) {
    const unit = text.charCodeAt(index);
    if (isDigit(unit)) {
      group += 1;
      continue;
    }
    if (group === 0 || (unit !== SPACE_UNIT && unit !== TAB && unit !== HYPHEN)) {
      group = 0;
      continue;
    }
    let end = index;
    let dashes = 0;
    while (end < text.length && end - index < MAX_GAP) {
      const gapUnit = text.charCodeAt(end);
      if (gapUnit === HYPHEN) dashes += 1;
      else if (gapUnit !== SPACE_UNIT && gapUnit !== TAB) break;
      end += 1;
    }
    const spaces = end - index - dashes;
    const oneByOne = group === 1 && !isDigit(text.charCodeAt(end + 1));
    if (spaces > 0 && dashes <= 1 && isDigit(text.charCodeAt(end)) && (dashes === 1 || oneByOne)) {
      if (writer === undefined) writer = new CopyWriter(text, index);
      else writer.copy(text, pending, index);
      writer.replace(dashes === 1 ? '-' : '', index, end);
      pending = end;
    }
    group = 0;
    index = end - 1;
  }
  if (writer === undefined) return undefined;
  writer.copy(text, pending, text.length);
  return writer.finish();
};
