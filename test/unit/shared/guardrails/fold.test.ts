import { describe, expect, test } from 'vitest';
import { foldForMatching, originalSpan } from '#shared/guardrails/fold.ts';

describe('foldForMatching', () => {
  test.each([
    { name: 'a fullwidth @', text: 'bob\uff20example.com', folded: 'bob@example.com' },
    { name: 'fullwidth digits and dash', text: '\uff11\uff12\uff13\uff0d\uff14\uff15', folded: '123-45' },
    { name: 'mathematical letters', text: '\u{1d41b}\u{1d428}\u{1d41b}', folded: 'bob' },
    { name: 'a Cyrillic letter', text: 'nightіngale', folded: 'nightingale' },
    { name: 'Greek capitals', text: 'ΑΒΟ', folded: 'ABO' },
    { name: 'zero-width, soft hyphen and bidi marks', text: 'pa\u200bss\u00adwo\u202erd', folded: 'password' },
    { name: 'a no-break space and an en dash', text: '555\u00a0123\u20134567', folded: '555 123-4567' },
    { name: 'spaces around dashes inside a number', text: '123 - 45 - 6789', folded: '123-45-6789' },
    { name: 'digits written one by one', text: '1 2 3 - 4 5 - 6 7 8 9', folded: '123-45-6789' },
    { name: 'Arabic-Indic digits', text: '\u0661\u0662\u0663', folded: '123' },
  ])('folds $name', ({ text, folded }) => {
    // Act
    const result = foldForMatching(text);

    // Assess
    expect(result?.text).toBe(folded);
  });

  test.each([
    { name: 'ASCII prose', text: 'Follow the installation instructions, then run npm test at 9:30.' },
    { name: 'digit groups', text: 'card 4111 1111 1111 1111, SSN-like 123 45 6789, phone 020 7946 0958' },
    { name: 'dates and ranges', text: '2024-05-14, pages 12-20, v1.2.3' },
    { name: 'Chinese prose', text: '路由器把每个请求发送到合适的模型' },
    { name: 'a character NFKC spells out at length', text: '\ufdfa' },
    { name: 'Devanagari prose', text: 'नमस्ते दुनिया' },
  ])('leaves $name alone (and allocates nothing)', ({ text }) => {
    // Act
    const result = foldForMatching(text);

    // Assess
    expect(result).toBeUndefined();
  });

  test('a span of the copy maps back to the original text it came from, removed characters included', () => {
    // Prepare
    const text = 'Mail \u{1d41b}o\u200bb\uff20example.com or call 1 2 3 - 4 5 - 6 7 8 9 today';
    const folded = foldForMatching(text);
    if (!folded) throw new Error('expected a folded copy');
    const email = folded.text.indexOf('bob@example.com');
    const number = folded.text.indexOf('123-45-6789');

    // Act
    const spans = [
      originalSpan(folded, email, email + 'bob@example.com'.length),
      originalSpan(folded, number, number + '123-45-6789'.length),
    ];

    // Assess
    expect(spans.map(({ start, end }) => text.slice(start, end))).toEqual([
      '\u{1d41b}o\u200bb\uff20example.com',
      '1 2 3 - 4 5 - 6 7 8 9',
    ]);
  });

  test('a character spelled out as several is reported whole', () => {
    // Prepare: the ligature "ﬁ" folds to "fi".
    const text = 'pro\ufb01le';
    const folded = foldForMatching(text);
    if (!folded) throw new Error('expected a folded copy');

    // Act
    const span = originalSpan(folded, 4, 5);

    // Assess
    expect(folded.text).toBe('profile');
    expect(text.slice(span.start, span.end)).toBe('\ufb01');
  });
});
