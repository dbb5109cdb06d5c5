import { expect, test } from 'vitest';
import { stringFromPattern } from '#shared/providers/mock/string-from-pattern.ts';

test.each([
  { pattern: '^[A-Z]{3}-\\d{3}$', expected: 'AAA-000' },
  { pattern: '^#[0-9a-fA-F]{6}$', expected: '#aaaaaa' },
  { pattern: '^[a-z0-9]+(?:-[a-z0-9]+)*$', expected: 'a' },
  { pattern: '^\\+?[1-9]\\d{1,14}$', expected: '10' },
  { pattern: '^(cat|dog)s?$', expected: 'cat' },
  { pattern: '^[^\\s@]+@[^\\s@]+\\.[a-z]{2,}$', expected: 'a@a.aa' },
  { pattern: '^\\p{Lu}\\p{Ll}+$', expected: 'Aa' },
  { pattern: '^v\\d+\\.\\d+\\.\\d+$', expected: 'v0.0.0' },
  { pattern: 'id_\\w{4}', expected: 'id_aaaa' },
  { pattern: '^(?<year>\\d{4})-(?<month>\\d{2})$', expected: '0000-00' },
])('$pattern -> $expected', ({ pattern, expected }) => {
  // Act
  const text = stringFromPattern(new RegExp(pattern, 'u'));

  // Assess
  expect(text).toBe(expected);
  expect(new RegExp(pattern, 'u').test(text ?? '')).toBe(true);
});

test.each([
  { name: 'a backreference', pattern: '^(a)\\1$' },
  { name: 'a lookahead that the shortest text does not satisfy', pattern: '^(?=.*\\d)[a-z\\d]{3}$' },
  { name: 'an enormous repeat', pattern: '^a{100000}$' },
])('$name gives up rather than return a non-matching string', ({ pattern }) => {
  // Act
  const text = stringFromPattern(new RegExp(pattern, 'u'));

  // Assess
  expect(text).toBeUndefined();
});
