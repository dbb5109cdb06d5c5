import { describe, expect, test } from 'vitest';
import { find } from '#shared/guardrails/detectors/secret.ts';

const _matched = (text: string): string[] => find(text).map(({ start, end }) => text.slice(start, end));

describe('secret find offsets', () => {
  test.each([
    { text: 'password=hunter2hunter', expected: [{ start: 9, end: 22 }] },
    { text: '"api_key": "a1b2c3d4e5f6"', expected: [{ start: 12, end: 24 }] },
    { text: 'x\nsecret = s3cr3t-v4lue\n', expected: [{ start: 11, end: 23 }] },
  ])('reports only the value of $text', ({ text, expected }) => {
    // Act
    const found = find(text);

    // Assess
    expect(found).toEqual(expected);
  });

  test('covers a PEM block from BEGIN through END, once per block', () => {
    // Prepare
    const block = [
      '-----BEGIN EC PRIVATE',
      ' KEY-----\nMHcCAQEEIIrYSSNQFaA2Hwf1duRSxKtLYX5CB04fSeQ6tF1aY/PuoAoGCCqGSM49\n-----END EC PRIVATE',
      ' KEY-----',
    ].join('');
    const text = `a\n${block}\nb\n${block}\nc`;

    // Act
    const found = find(text);

    // Assess
    expect(found).toEqual([
      { start: 2, end: 2 + block.length },
      { start: 5 + block.length, end: 5 + 2 * block.length },
    ]);
  });
});
