import { describe, expect, test } from 'vitest';
import { find } from '#shared/guardrails/detectors/email.ts';
import { emailNegatives, emailPositives } from '../samples/email.ts';
import { ordinaryTexts } from '../samples/ordinary-texts.ts';

const matched = (text: string): string[] => find(text).map(({ start, end }) => text.slice(start, end));

describe('email find', () => {
  test.each(emailPositives)('finds $name', ({ text, expected }) => {
    // Act
    const found = matched(text);

    // Assess
    expect(found).toEqual(expected);
  });

  test.each(emailNegatives)('finds nothing in $name', ({ text }) => {
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
