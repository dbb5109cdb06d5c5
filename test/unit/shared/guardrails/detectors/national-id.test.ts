import { describe, expect, test } from 'vitest';
import { find } from '#shared/guardrails/detectors/national-id.ts';
import { nationalIdNegatives, nationalIdPositives } from '../samples/national-id.ts';
import { ordinaryTexts } from '../samples/ordinary-texts.ts';

const matched = (text: string): string[] => find(text).map(({ start, end }) => text.slice(start, end));

describe('national_id find', () => {
  test.each(nationalIdPositives)('finds $name', ({ text, expected }) => {
    // Act
    const found = matched(text);

    // Assess
    expect(found).toEqual(expected);
  });

  test.each(nationalIdNegatives)('finds nothing in $name', ({ text }) => {
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
