import { describe, expect, test } from 'vitest';
import { find } from '#shared/guardrails/detectors/iban.ts';
import { ibanNegatives, ibanPositives } from '../samples/iban.ts';
import { ordinaryTexts } from '../samples/ordinary-texts.ts';

const matched = (text: string): string[] => find(text).map(({ start, end }) => text.slice(start, end));

describe('iban find', () => {
  test.each(ibanPositives)('finds $name', ({ text, expected }) => {
    // Act
    const found = matched(text);

    // Assess
    expect(found).toEqual(expected);
  });

  test.each(ibanNegatives)('finds nothing in $name', ({ text }) => {
    // Act
    const found = find(text);

    // Assess
    expect(found).toEqual([]);
  });

  test.each(ordinaryTexts)('finds nothing in $name', ({ text }) => {
    // Act
    const found = find(text);

    // Assess
    expect(found).toEqual([]);
  });
});
