import { describe, expect, test } from 'vitest';
import { find } from '#shared/guardrails/detectors/phone.ts';
import { ordinaryTexts } from '../samples/ordinary-texts.ts';
import { phoneNegatives, phonePositives } from '../samples/phone.ts';

const matched = (text: string): string[] => find(text).map(({ start, end }) => text.slice(start, end));

describe('phone find', () => {
  test.each(phonePositives)('finds $name', ({ text, expected }) => {
    // Act
    const found = matched(text);

    // Assess
    expect(found).toEqual(expected);
  });

  test.each(phoneNegatives)('finds nothing in $name', ({ text }) => {
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
