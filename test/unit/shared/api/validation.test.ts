import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { validationError } from '#shared/api/validation.ts';

describe('validationError', () => {
  test('lists at most five problems and counts the rest', () => {
    // Prepare
    const schema = z.strictObject({
      a: z.string(),
      b: z.string(),
      c: z.string(),
      d: z.string(),
      e: z.string(),
      f: z.string(),
      g: z.string(),
    });
    const result = schema.safeParse({});
    if (result.success) throw new Error('expected the parse to fail');

    // Act
    const error = validationError(result.error);

    // Assess
    expect(error.message).toBe(
      'Invalid request body. a: Invalid input: expected string, received undefined; b: Invalid input: expected string, received undefined; c: Invalid input: expected string, received undefined; d: Invalid input: expected string, received undefined; e: Invalid input: expected string, received undefined (and 2 more)',
    );
    expect(error.param).toBe('a');
  });

  test('a root-level problem has no param and no path prefix', () => {
    // Prepare
    const result = z.strictObject({}).safeParse({ extra: 1 });
    if (result.success) throw new Error('expected the parse to fail');

    // Act
    const error = validationError(result.error);

    // Assess
    expect(error.message).toBe('Invalid request body. Unrecognized key: "extra"');
    expect(error.param).toBeNull();
  });
});
