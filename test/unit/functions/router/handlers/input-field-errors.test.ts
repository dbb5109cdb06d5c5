import { describe, expect, test } from 'vitest';
import { inputFieldErrors } from '#functions/router/handlers/input-field-errors.ts';

describe('inputFieldErrors', () => {
  const asInputs = inputFieldErrors('input', 'inputs');
  const body = (message: string, param: string | null) => ({
    error: { message, type: 'invalid_request_error' as const, param, code: 'x' },
  });

  test.each([
    {
      message: 'Too many messages: 3; the limit is 2.',
      param: 'messages',
      expected: ['Too many inputs: 3; the limit is 2.', 'input'],
    },
    {
      message: 'messages[1] has 40 characters; the limit is 30.',
      param: 'messages[1].content',
      expected: ['input[1] has 40 characters; the limit is 30.', 'input[1]'],
    },
    {
      message: 'No configured model can serve this request.',
      param: 'model',
      expected: ['No configured model can serve this request.', 'model'],
    },
    { message: 'Unauthorized.', param: null, expected: ['Unauthorized.', null] },
  ])('"$message" names the client field', ({ message, param, expected }) => {
    // Act
    const renamed = asInputs(body(message, param));

    // Assess
    expect([renamed.error.message, renamed.error.param]).toEqual(expected);
    expect(renamed.error.code).toBe('x');
  });
});
