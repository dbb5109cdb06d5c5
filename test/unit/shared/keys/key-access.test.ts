import { describe, expect, test } from 'vitest';
import { keyAllows } from '#shared/keys/key-access.ts';

describe('keyAllows', () => {
  test.each([
    { models: undefined, name: 'anything', allowed: true },
    { models: ['a', 'auto'], name: 'auto', allowed: true },
    { models: ['a'], name: 'auto', allowed: false },
    { models: [], name: 'a', allowed: false },
  ])('$models allows $name: $allowed', ({ models, name, allowed }) => {
    // Assess
    expect(keyAllows(models, name)).toBe(allowed);
  });
});
