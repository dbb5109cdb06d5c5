import { describe, expect, test } from 'vitest';
import { compileDenyList } from '#shared/guardrails/deny-list.ts';
import { foldForMatching } from '#shared/guardrails/fold.ts';
import { detectInjection } from '#shared/guardrails/injection.ts';
import { normalizeText } from '#shared/guardrails/normalize.ts';
import { createStreamRestorer, PlaceholderState, redact, restore } from '#shared/guardrails/redaction.ts';
import { type DetectorKind, detect, detectorKinds } from '#shared/guardrails/sensitive-data.ts';

// Guardrails run on every request in a Lambda. These 1 MB inputs are the worst cases for
// backtracking regexes (long runs of one character class, or of a trigger character); a
// quadratic scan of any of them would take minutes and hit the test timeout. No timing is
// asserted: CI machines vary, the timeout is the guard.

const MEGABYTE = 1 << 20;
const repeated = (unit: string): string => unit.repeat(Math.ceil(MEGABYTE / unit.length)).slice(0, MEGABYTE);

const cases: Array<{ name: string; text: string; detections: number; kinds: DetectorKind[] }> = [
  { name: 'digits', text: repeated('7'), detections: 0, kinds: [] },
  { name: 'letters', text: repeated('a'), detections: 0, kinds: [] },
  { name: '@', text: repeated('@'), detections: 0, kinds: [] },
  { name: '[', text: repeated('['), detections: 0, kinds: [] },
  { name: 'a@', text: repeated('a@'), detections: 0, kinds: [] },
  { name: 'dotted digits', text: repeated('1.'), detections: 0, kinds: [] },
  { name: 'dashed digits', text: repeated('1-'), detections: 0, kinds: [] },
  { name: '4-digit groups', text: repeated('4111 '), detections: 0, kinds: [] },
  { name: '+1', text: repeated('+1 '), detections: 0, kinds: [] },
  { name: 'colons', text: repeated(':'), detections: 0, kinds: [] },
  { name: 'hex and colons', text: repeated('a:'), detections: 0, kinds: [] },
  { name: 'JWT prefixes', text: repeated('eyJ'), detections: 0, kinds: [] },
  { name: 'key prefixes', text: repeated('sk-'), detections: 0, kinds: [] },
  { name: 'spaces', text: repeated(' '), detections: 0, kinds: [] },
  { name: 'base64', text: repeated('QUJD'), detections: 0, kinds: [] },
  { name: 'injection words', text: repeated('ignore the previous '), detections: 0, kinds: [] },
  { name: 'short e-mail addresses', text: repeated('a@b.co '), detections: 149_796, kinds: ['email'] },
  { name: 'PEM headers without END', text: repeated('-----BEGIN PRIVATE KEY-----\n'), detections: 37_449, kinds: ['secret'] },
];

describe('1 MB inputs complete in linear time', () => {
  test.each(cases)('detect on $name', ({ text, detections, kinds }) => {
    // Act
    const found = detect(text, detectorKinds);

    // Assess
    expect(found.length).toBe(detections);
    expect([...new Set(found.map((detection) => detection.kind))]).toEqual(kinds);
  });

  test.each(cases)('detectInjection on $name', ({ text }) => {
    // Act
    const found = detectInjection(text);

    // Assess
    expect(found).toEqual([]);
  });

  test.each(cases)('normalizeText on $name', ({ text }) => {
    // Act
    const result = normalizeText(text);

    // Assess
    expect(result).toEqual({ text, changed: false });
  });

  test.each(cases)('a deny list on $name', ({ text }) => {
    // Prepare
    const matcher = compileDenyList(['project falcon', 'wire transfer now', '/forbidden\\s+word/i', 'c++']);

    // Act
    const matched = matcher(text);

    // Assess
    expect(matched).toEqual([]);
  });

  test.each(cases)('redact and restore on $name', ({ text }) => {
    // Prepare
    const state = new PlaceholderState();
    const detections = detect(text, detectorKinds);

    // Act
    const restored = restore(redact(text, detections, state).text, state);

    // Assess
    expect(restored).toBe(text);
  });

  test('normalizeText collapses 1 MB of blank lines and of inner whitespace', () => {
    // Prepare
    const blankLines = `a${repeated('\n')}b`;
    const innerWhitespace = `a${repeated(' \t')}b`;

    // Act
    const results = [normalizeText(blankLines).text, normalizeText(innerWhitespace).text];

    // Assess
    expect(results).toEqual(['a\n\n\nb', 'a b']);
  });

  test('the stream restorer passes 1 MB of [ through, holding back only the last one', () => {
    // Prepare
    const state = new PlaceholderState();
    state.placeholderFor('email', 'bob@example.com');
    const restorer = createStreamRestorer(state);
    const text = repeated('[');

    // Act
    const whole = restorer.push(text);
    const rest = restorer.flush();

    // Assess
    expect(whole.length).toBe(MEGABYTE - 1);
    expect(whole + rest).toBe(text);
  });

  test('the stream restorer passes 1 MB of [ in 1 kB chunks', () => {
    // Prepare
    const state = new PlaceholderState();
    state.placeholderFor('email', 'bob@example.com');
    const restorer = createStreamRestorer(state);
    const text = repeated('[EMAIL_1] [');
    const outputs: string[] = [];

    // Act
    for (let offset = 0; offset < text.length; offset += 1024) outputs.push(restorer.push(text.slice(offset, offset + 1024)));
    outputs.push(restorer.flush());

    // Assess
    expect(outputs.join('')).toBe(restore(text, state));
  });
});

// The folded copy (fold.ts) is built for every text detectors and deny lists read. Its worst
// cases: every character folds (and some change length), every gap between digits closes.
const foldCases: Array<{ name: string; text: string; folded: number }> = [
  { name: 'fullwidth letters', text: repeated('\uff42\uff4f\uff42\uff20'), folded: MEGABYTE },
  { name: 'Cyrillic look-alikes', text: repeated('\u0430\u0435\u043e\u0440 '), folded: MEGABYTE },
  { name: 'mathematical letters (two units each)', text: repeated('\u{1d41b}'), folded: MEGABYTE / 2 },
  { name: 'zero-width spaces', text: repeated('a\u200b'), folded: MEGABYTE / 2 },
  { name: 'digits one by one', text: repeated('1 '), folded: MEGABYTE / 2 + 1 },
  { name: 'spaced dashes between digits', text: repeated('1 - '), folded: MEGABYTE / 2 + 2 },
  { name: 'no-break spaces between digits', text: repeated('4\u00a0'), folded: MEGABYTE / 2 + 1 },
  { name: 'a ligature NFKC spells out at length', text: repeated('\ufdfa'), folded: 0 },
];

describe('1 MB inputs to fold complete in linear time', () => {
  test.each(foldCases)('foldForMatching on $name', ({ text, folded }) => {
    // Act
    const result = foldForMatching(text);

    // Assess: never longer than the text (a megabyte must not become eighteen).
    expect(result?.text.length ?? 0).toBe(folded);
  });

  test.each(foldCases)('detect on $name', ({ text }) => {
    // Act
    const found = detect(text, detectorKinds);

    // Assess
    expect(found.every((detection) => detection.end <= text.length)).toBe(true);
  });

  test.each(foldCases)('a deny list on $name', ({ text }) => {
    // Prepare
    const matcher = compileDenyList(['project falcon', '/forbidden\\s+word/i', 'c++']);

    // Act
    const matched = matcher(text);

    // Assess
    expect(matched).toEqual([]);
  });
});
