import { describe, expect, test } from 'vitest';
import { PlaceholderState } from '#shared/guardrails/placeholder-state.ts';

describe('PlaceholderState', () => {
  test('creates one placeholder per kind and value, numbered per kind', () => {
    // Prepare
    const state = new PlaceholderState();

    // Act
    const placeholders = [
      state.placeholderFor('email', 'a@x.com'),
      state.placeholderFor('email', 'b@x.com'),
      state.placeholderFor('email', 'a@x.com'),
      state.placeholderFor('secret', 'a@x.com'),
      state.placeholderFor('national_id', '123-45-6789'),
    ];

    // Assess
    expect(placeholders).toEqual(['[EMAIL_1]', '[EMAIL_2]', '[EMAIL_1]', '[SECRET_1]', '[NATIONAL_ID_1]']);
    expect([...state.entries()]).toEqual([
      ['[EMAIL_1]', 'a@x.com'],
      ['[EMAIL_2]', 'b@x.com'],
      ['[SECRET_1]', 'a@x.com'],
      ['[NATIONAL_ID_1]', '123-45-6789'],
    ]);
  });

  test('skips reserved literals when numbering', () => {
    // Prepare
    const state = new PlaceholderState();
    state.reserveLiterals('[IP_1] and [IP_2] and [IP_4] and [NOT_1]');

    // Act
    const placeholders = [state.placeholderFor('ip_address', '10.0.0.1'), state.placeholderFor('ip_address', '10.0.0.2')];

    // Assess
    expect(placeholders).toEqual(['[IP_3]', '[IP_5]']);
    expect(state.valueOf('[IP_1]')).toBeUndefined();
  });

  test.each([
    { text: '[', expected: true },
    { text: '[E', expected: true },
    { text: '[EMAIL_', expected: true },
    { text: '[EMAIL_1', expected: true },
    { text: '[EMAIL_1]', expected: false },
    { text: '[EMAIL_2', expected: false },
    { text: '[P', expected: false },
    { text: 'EMAIL', expected: false },
    { text: '', expected: false },
  ])('isPlaceholderPrefix($text) is $expected when only [EMAIL_1] exists', ({ text, expected }) => {
    // Prepare
    const state = new PlaceholderState();
    state.placeholderFor('email', 'a@x.com');

    // Assess
    expect(state.isPlaceholderPrefix(text)).toBe(expected);
  });

  test('tracks the longest placeholder', () => {
    // Prepare
    const state = new PlaceholderState();
    const before = state.longestPlaceholder;

    // Act
    state.placeholderFor('ip_address', '10.0.0.1');
    state.placeholderFor('national_id', '123-45-6789');
    state.placeholderFor('email', 'a@x.com');

    // Assess
    expect(before).toBe(0);
    expect(state.longestPlaceholder).toBe('[NATIONAL_ID_1]'.length);
  });
});
