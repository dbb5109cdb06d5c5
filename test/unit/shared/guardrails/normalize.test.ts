import { describe, expect, test } from 'vitest';
import { normalizeText } from '#shared/guardrails/normalize.ts';

const code = [
  'function f() {',
  '  if (x) {',
  '\t\treturn [',
  '                                        1,',
  '    ];',
  '  }',
  '}',
].join('\n');

const cases = [
  { name: 'composes e + combining acute to é (NFC)', input: 'caf\u0065\u0301', expected: 'caf\u00e9' },
  { name: 'removes a zero-width space inside a word', input: 'pass\u200bword', expected: 'password' },
  { name: 'removes zero-width joiners and word joiners', input: 'a\u200cb\u200dc\u2060d\ufeffe', expected: 'abcde' },
  { name: 'composes across a removed zero-width character', input: 'e\u200b\u0301', expected: '\u00e9' },
  { name: 'removes bidi overrides', input: 'abc\u202eevil\u202c def', expected: 'abcevil def' },
  { name: 'removes bidi isolates', input: '\u2066x\u2067y\u2068z\u2069', expected: 'xyz' },
  { name: 'removes control characters', input: 'a\u0000b\u0007c\u001bd\u007fe\u0085f', expected: 'abcdef' },
  { name: 'keeps tab, line feed and carriage return', input: 'a\tb\r\nc\nd', expected: 'a\tb\r\nc\nd' },
  { name: 'collapses 4 blank lines to 2', input: 'a\n\n\n\n\nb', expected: 'a\n\n\nb' },
  { name: 'collapses 10 blank lines with spaces to 2', input: `a\n${' \n'.repeat(9)}\t\nb`, expected: 'a\n\n\nb' },
  { name: 'keeps 3 blank lines', input: 'a\n\n\n\nb', expected: 'a\n\n\n\nb' },
  { name: 'keeps CRLF line breaks', input: 'a\r\n\r\n\r\n\r\n\r\n\r\nb', expected: 'a\r\n\r\n\r\nb' },
  { name: 'keeps the next line indentation after blank lines', input: 'a\n\n\n\n\n\n    b', expected: 'a\n\n\n    b' },
  { name: 'collapses 21 inner spaces to one', input: `a${' '.repeat(21)}b`, expected: 'a b' },
  { name: 'collapses a long inner run of spaces and tabs', input: `key:${' \t'.repeat(500)}value`, expected: 'key: value' },
  { name: 'keeps 20 inner spaces', input: `a${' '.repeat(20)}b`, expected: `a${' '.repeat(20)}b` },
  { name: 'keeps code indentation, however deep', input: code, expected: code },
  { name: 'keeps a deep leading indentation', input: `${' '.repeat(64)}deep`, expected: `${' '.repeat(64)}deep` },
  { name: 'never changes case', input: 'MiXeD Case ΣΊΣΥΦΟΣ', expected: 'MiXeD Case ΣΊΣΥΦΟΣ' },
  { name: 'keeps emoji and other scripts', input: 'ok 👍🏽 日本語 עברית', expected: 'ok 👍🏽 日本語 עברית' },
  { name: 'leaves the empty string', input: '', expected: '' },
];

describe('normalizeText', () => {
  test.each(cases)('$name', ({ input, expected }) => {
    // Act
    const result = normalizeText(input);

    // Assess
    expect(result).toEqual({ text: expected, changed: expected !== input });
  });

  test.each(cases)('is idempotent: $name', ({ input }) => {
    // Prepare
    const once = normalizeText(input).text;

    // Act
    const twice = normalizeText(once);

    // Assess
    expect(twice).toEqual({ text: once, changed: false });
  });

  test('is idempotent on a mix of everything', () => {
    // Prepare
    const input = `\u202e${'x\u200b\u0301'.repeat(3)}\n\n\n\n\n\n${' '.repeat(30)}y${'\t'.repeat(30)}z\u0000\r\n\r\n\r\n\r\n\r\nend`;
    const once = normalizeText(input).text;

    // Act
    const twice = normalizeText(once);

    // Assess
    expect(once).toBe(`x\u0301x\u0301x\u0301\n\n\n${' '.repeat(30)}y z\r\n\r\n\r\nend`.normalize('NFC'));
    expect(twice).toEqual({ text: once, changed: false });
  });
});
