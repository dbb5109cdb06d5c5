import { describe, expect, test } from 'vitest';
import { compileDenyList } from '#shared/guardrails/deny-list.ts';

describe('compileDenyList', () => {
  test.each([
    { name: 'a phrase, any case', entries: ['Project Falcon'], text: 'about project FALCON today', expected: ['deny:0'] },
    {
      name: 'a phrase across whitespace',
      entries: ['wire transfer now'],
      text: 'please wire \n\t transfer   now',
      expected: ['deny:0'],
    },
    { name: 'a phrase inside a longer word', entries: ['class'], text: 'a classic mistake', expected: [] },
    { name: 'a phrase at word edges', entries: ['class'], text: '(class)', expected: ['deny:0'] },
    { name: 'a phrase ending in punctuation', entries: ['c++'], text: 'written in C++17', expected: ['deny:0'] },
    { name: 'a phrase with regex characters', entries: ['a.b (c)'], text: 'see a.b (c) here', expected: ['deny:0'] },
    { name: 'regex characters stay literal', entries: ['a.b'], text: 'axb', expected: [] },
    { name: 'a non-ASCII phrase', entries: ['Straße'], text: 'die STRASSE und die straße', expected: ['deny:0'] },
    { name: 'a regex', entries: ['/forbidden\\s+w[o0]rd/'], text: 'a forbidden w0rd', expected: ['deny:0'] },
    { name: 'a regex is case-sensitive without i', entries: ['/Secret/'], text: 'secret', expected: [] },
    { name: 'a regex with flags', entries: ['/^secret$/im'], text: 'line\nSECRET\nline', expected: ['deny:0'] },
    {
      name: 'several entries, in entry order',
      entries: ['alpha', '/beta/', 'gamma', 'delta'],
      text: 'delta, gamma and alpha',
      expected: ['deny:0', 'deny:2', 'deny:3'],
    },
    { name: 'no entries', entries: [], text: 'anything', expected: [] },
  ])('$name', ({ entries, text, expected }) => {
    // Prepare
    const matcher = compileDenyList(entries);

    // Act
    const matched = matcher(text);

    // Assess
    expect(matched).toEqual(expected);
  });

  test('a g or y flag does not make matching depend on the previous call', () => {
    // Prepare
    const matcher = compileDenyList(['/blocked/gy', '/blocked/g']);

    // Act
    const results = [matcher('blocked'), matcher('blocked'), matcher('blocked')];

    // Assess
    expect(results).toEqual([
      ['deny:0', 'deny:1'],
      ['deny:0', 'deny:1'],
      ['deny:0', 'deny:1'],
    ]);
  });

  test.each([
    { entries: ['ok', '/(unclosed/'], message: /^Deny list entry 1 is not a valid regular expression: / },
    { entries: ['/a/q'], message: /^Deny list entry 0 is not a valid regular expression: / },
    { entries: ['fine', 'also fine', '   '], message: /^Deny list entry 2 is empty\.$/ },
  ])('rejects $entries at compile time, naming the entry', ({ entries, message }) => {
    // Act
    const compile = () => compileDenyList(entries);

    // Assess
    expect(compile).toThrow(message);
  });

  test('a lone slash is a phrase, not a regex', () => {
    // Prepare
    const matcher = compileDenyList(['/', 'and/or']);

    // Act
    const matched = matcher('this and/or that / other');

    // Assess
    expect(matched).toEqual(['deny:0', 'deny:1']);
  });

  test.each([
    { name: 'a Cyrillic letter', text: 'status of project nightіngale' },
    { name: 'Greek capitals', text: 'PROJΕCT NIGHTINGΑLE' },
    { name: 'fullwidth letters', text: 'ｐｒｏｊｅｃｔ ｎｉｇｈｔｉｎｇａｌｅ' },
    { name: 'mathematical letters', text: '\u{1d429}\u{1d42b}\u{1d428}\u{1d423}\u{1d41e}\u{1d41c}\u{1d42d} nightingale' },
    { name: 'a zero-width space', text: 'project night\u200bingale' },
    { name: 'a soft hyphen', text: 'project nightin\u00adgale' },
  ])('a phrase disguised with $name still matches', ({ text }) => {
    // Prepare
    const matcher = compileDenyList(['project nightingale']);

    // Act
    const matched = matcher(text);

    // Assess
    expect(matched).toEqual(['deny:0']);
  });

  test('a regex entry is tried on the folded text too', () => {
    // Prepare
    const matcher = compileDenyList(['/\\b\\d{3}-\\d{2}-\\d{4}\\b/']);

    // Act
    const matched = [matcher('id \uff11\uff12\uff13-45-6789'), matcher('id 123 - 45 - 6789'), matcher('id 123 45 6789')];

    // Assess
    expect(matched).toEqual([['deny:0'], ['deny:0'], []]);
  });

  test('a phrase written in another script matches itself, and its look-alikes', () => {
    // Prepare: folding maps some of these letters to Latin ones; the phrase is folded the same way.
    const matcher = compileDenyList(['Секретный проект']);

    // Act: the last but one has Latin c, e, p and o in it.
    const matched = [
      matcher('это секретный проект'),
      matcher('ЭТО СЕКРЕТНЫЙ ПРОЕКТ'),
      matcher('это ceкpeтный пpoeкт'),
      matcher('это открытый проект'),
    ];

    // Assess
    expect(matched).toEqual([['deny:0'], ['deny:0'], ['deny:0'], []]);
  });

  test('several texts are read one by one: a phrase never spans two of them', () => {
    // Prepare
    const matcher = compileDenyList(['wire transfer', 'urgent']);

    // Act
    const matched = [matcher(['please wire', 'transfer now']), matcher(['hello', 'an urgent wire transfer'])];

    // Assess
    expect(matched).toEqual([[], ['deny:0', 'deny:1']]);
  });
});
