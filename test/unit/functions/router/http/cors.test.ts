import { describe, expect, test } from 'vitest';
import { allowedOrigin, corsHeaders, preflightHeaders } from '#functions/router/http/cors.ts';
import { corsSchema } from '#shared/config/schema.ts';

const APP = 'https://app.example.com';
const config = (fields: Record<string, unknown> = {}) => corsSchema.parse({ origins: [APP, 'http://localhost:5173'], ...fields });

describe('allowedOrigin', () => {
  test.each([
    { name: 'a listed origin is echoed', origins: [APP], origin: APP, expected: APP },
    { name: 'an unlisted origin gets nothing', origins: [APP], origin: 'https://evil.example', expected: undefined },
    { name: 'no Origin gets nothing', origins: [APP], origin: undefined, expected: undefined },
    { name: 'origins match exactly (no prefix)', origins: [APP], origin: `${APP}.evil.example`, expected: undefined },
    { name: '"*" allows any origin as *', origins: ['*'], origin: 'https://any.example', expected: '*' },
  ])('$name', ({ origins, origin, expected }) => {
    // Act
    const allowed = allowedOrigin(corsSchema.parse({ origins }), origin);

    // Assess
    expect(allowed).toBe(expected);
  });
});

describe('corsHeaders', () => {
  test('an allowed origin can read every header a script could not read by default', () => {
    // Act
    const headers = corsHeaders(
      config(),
      { origin: APP },
      {
        'content-type': 'text/event-stream',
        'cache-control': 'no-cache',
        'x-request-id': 'r',
        'x-router-model': 'm',
        'x-ratelimit-remaining-requests': '9',
        'x-token-usage': 'prompt=1',
        'retry-after': '3',
        vary: 'accept-encoding',
      },
    );

    // Assess
    expect(headers).toEqual({
      'access-control-allow-origin': APP,
      'access-control-expose-headers': 'x-request-id, x-router-model, x-ratelimit-remaining-requests, x-token-usage, retry-after',
      vary: 'accept-encoding, origin',
    });
  });

  test('another origin gets only vary: origin (the answer depends on it)', () => {
    // Act
    const headers = corsHeaders(config(), { origin: 'https://evil.example' }, { 'x-request-id': 'r' });

    // Assess
    expect(headers).toEqual({ vary: 'origin' });
  });

  test('with "*" the answer does not depend on the origin: no vary', () => {
    // Act
    const headers = corsHeaders(config({ origins: ['*'] }), { origin: APP }, { 'x-request-id': 'r' });

    // Assess
    expect(headers).toEqual({ 'access-control-allow-origin': '*', 'access-control-expose-headers': 'x-request-id' });
  });
});

describe('preflightHeaders', () => {
  test('the requested headers are allowed when none are configured, and the answer varies with them', () => {
    // Act
    const headers = preflightHeaders(
      config(),
      { origin: APP, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
      ['POST', 'OPTIONS'],
    );

    // Assess
    expect(headers).toEqual({
      'access-control-allow-methods': 'POST, OPTIONS',
      'access-control-allow-headers': 'authorization, content-type',
      'access-control-max-age': '7200',
      vary: 'access-control-request-headers',
    });
  });

  test('configured headers and max age are what is allowed', () => {
    // Act
    const headers = preflightHeaders(
      config({ headers: ['authorization', 'content-type'], maxAgeSeconds: 60 }),
      { origin: APP, 'access-control-request-headers': 'x-other' },
      ['GET', 'OPTIONS'],
    );

    // Assess
    expect(headers).toEqual({
      'access-control-allow-methods': 'GET, OPTIONS',
      'access-control-allow-headers': 'authorization, content-type',
      'access-control-max-age': '60',
    });
  });

  test('an origin that is not allowed gets no preflight headers', () => {
    // Act
    const headers = preflightHeaders(config(), { origin: 'https://evil.example' }, ['POST']);

    // Assess
    expect(headers).toEqual({});
  });
});

describe('corsSchema', () => {
  test.each(['https://app.example.com/', 'https://app.example.com/path', 'app.example.com', 'https://App.example.com', ''])(
    '%j is not an origin',
    (origin) => {
      // Act
      const result = corsSchema.safeParse({ origins: [origin] });

      // Assess
      expect(result.error?.issues[0]?.message).toMatch(/must be "\*" or an origin/);
    },
  );

  test('an empty list is refused: CORS off is no cors section', () => {
    // Act
    const result = corsSchema.safeParse({ origins: [] });

    // Assess
    expect(result.success).toBe(false);
  });
});
