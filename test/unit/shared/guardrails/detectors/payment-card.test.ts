import { describe, expect, test } from 'vitest';
import { isCardNumber } from '#shared/guardrails/detectors/card-networks.ts';
import { find } from '#shared/guardrails/detectors/payment-card.ts';

const _matched = (text: string): string[] => find(text).map(({ start, end }) => text.slice(start, end));

// The false cases past a range end pass Luhn: only the IIN rejects them.
describe('isCardNumber', () => {
  test.each([
    { text: '4111111111111111', expected: true },
    { text: '4111 1111 1111 1111', expected: true },
    { text: '4111-1111-1111-1111', expected: true },
    { text: '4111111111111112', expected: false },
    { text: '411111111111', expected: false },
    { text: '41111111111111111111', expected: false },
    { text: '2720999999999996', expected: true },
    { text: '2721000000000004', expected: false },
    { text: '3589000000000003', expected: true },
    { text: '3590000000000000', expected: false },
  ])('$text -> $expected', ({ text, expected }) => {
    // Act
    const result = isCardNumber(text, 0, text.length);

    // Assess
    expect(result).toBe(expected);
  });
});
