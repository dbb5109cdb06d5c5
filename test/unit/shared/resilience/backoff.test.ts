import { describe, expect, test } from 'vitest';
import { fullJitterDelay, retryDelay } from '#shared/resilience/backoff.ts';

describe('backoff', () => {
  test.each([
    { attempt: 0, random: 0.5, expected: 100 },
    { attempt: 1, random: 0.5, expected: 200 },
    { attempt: 3, random: 0.999, expected: 1_598 },
    { attempt: 10, random: 0.5, expected: 1_000 },
    { attempt: 2, random: 0, expected: 0 },
  ])('full jitter: attempt $attempt, random $random -> $expected ms (base 200, cap 2000)', ({ attempt, random, expected }) => {
    expect(fullJitterDelay(attempt, 200, 2_000, () => random)).toBe(expected);
  });

  test('an upstream retry-after wins over the computed backoff', () => {
    expect(retryDelay(0, 7_000, { baseMs: 200, capMs: 2_000 }, () => 0.5)).toBe(7_000);
    expect(retryDelay(0, null, { baseMs: 200, capMs: 2_000 }, () => 0.5)).toBe(100);
  });
});
