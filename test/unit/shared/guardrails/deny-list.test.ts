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
});
