import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Harness, startHarness } from './harness.ts';

// A browser page on another origin calling the router: preflights without a key, and every
// answer (JSON, SSE, errors) readable with the router's headers. Node's fetch does not enforce
// CORS, so `browserView` applies the browser's rules to what came back.

const APP = 'http://localhost:5173';

/** What a script on `origin` may see of a response: nothing unless allowed, then the safelisted and exposed headers. */
const browserView = (response: Response, origin: string) => {
  const allowOrigin = response.headers.get('access-control-allow-origin');
  if (allowOrigin !== origin && allowOrigin !== '*') return undefined;
  const exposed = (response.headers.get('access-control-expose-headers') ?? '').split(',').map((name) => name.trim());
  const safelisted = [
    'cache-control',
    'content-language',
    'content-length',
    'content-type',
    'expires',
    'last-modified',
    'pragma',
  ];
  const readable = new Set([...safelisted, ...exposed]);
  return { status: response.status, header: (name: string) => (readable.has(name) ? response.headers.get(name) : null) };
};

/** The browser's preflight before a POST with a key and a JSON body. */
const preflight = (harness: Harness, path: string, origin = APP) =>
  harness.fetch(path, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization, content-type, x-stainless-os',
    },
  });

const chat = (harness: Harness, key: string | undefined, body: Record<string, unknown>, origin = APP) =>
  harness.fetch('/v1/chat/completions', {
    method: 'POST',
    ...(key === undefined ? {} : { key }),
    headers: { origin, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'mock-small', messages: [{ role: 'user', content: 'Say hi' }], ...body }),
  });

describe('with server.cors', () => {
  let harness: Harness;
  let key: string;

  beforeAll(async () => {
    harness = await startHarness({ server: { cors: { origins: [APP, 'https://app.example.com'] } } });
    key = (await harness.createKey()).key;
  });
  afterAll(async () => harness.close());

  test('a preflight is answered 204 without a key, before the method is checked', async () => {
    // Act
    const response = await preflight(harness, '/v1/chat/completions');

    // Assess
    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');
    expect(Object.fromEntries(response.headers)).toMatchObject({
      'access-control-allow-origin': APP,
      'access-control-allow-methods': 'POST, OPTIONS',
      'access-control-allow-headers': 'authorization, content-type, x-stainless-os',
      'access-control-max-age': '7200',
      allow: 'POST, OPTIONS',
      vary: 'access-control-request-headers, origin',
      'x-request-id': expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
  });

  test.each(['/v1/models', '/v1/models/mock-small', '/admin/keys/key_1', '/health'])(
    'every known path takes a preflight: %s',
    async (path) => {
      // Act
      const response = await preflight(harness, path);

      // Assess
      expect(response.status).toBe(204);
      expect(response.headers.get('access-control-allow-origin')).toBe(APP);
    },
  );

  test('a preflight for an unknown path is a 404, readable by the page', async () => {
    // Act
    const response = await preflight(harness, '/v1/nope');

    // Assess
    expect(browserView(response, APP)?.status).toBe(404);
  });

  test('a preflight from an origin not listed gets no access-control headers', async () => {
    // Act
    const response = await preflight(harness, '/v1/chat/completions', 'https://evil.example');

    // Assess
    expect(response.status).toBe(204);
    expect([...response.headers.keys()].filter((name) => name.startsWith('access-control-'))).toEqual([]);
    expect(response.headers.get('vary')).toContain('origin');
  });

  test('a JSON completion: the page reads the body and the router headers', async () => {
    // Act
    const response = await chat(harness, key, {});
    const view = browserView(response, APP);

    // Assess
    expect(view?.status).toBe(200);
    expect(response.headers.get('vary')).toBe('origin');
    for (const name of [
      'x-request-id',
      'x-router-model',
      'x-router-provider',
      'x-router-reason',
      'x-token-usage',
      'x-ratelimit-limit-requests',
      'x-ratelimit-remaining-requests',
      'x-ratelimit-remaining-tokens',
      'x-process-time',
    ]) {
      expect(view?.header(name), name).toBeTruthy();
    }
    expect(view?.header('x-router-model')).toBe('mock-small');
    expect(await response.json()).toMatchObject({ choices: [{ message: { content: expect.stringContaining('Say hi') } }] });
  });

  test('an SSE stream: CORS headers go out with the stream, which reads to the end', async () => {
    // Act
    const response = await chat(harness, key, { stream: true });
    const view = browserView(response, APP);
    const text = await response.text();

    // Assess
    expect(view?.status).toBe(200);
    expect(view?.header('content-type')).toMatch(/^text\/event-stream/);
    expect(view?.header('x-request-id')).toBeTruthy();
    expect(view?.header('x-router-model')).toBe('mock-small');
    expect(text.trim().endsWith('data: [DONE]')).toBe(true);
  });

  test('an error (no key) is readable too, so the page can show it', async () => {
    // Act
    const response = await chat(harness, undefined, {});
    const view = browserView(response, APP);

    // Assess
    expect(view?.status).toBe(401);
    expect(view?.header('x-request-id')).toBeTruthy();
    expect(await response.json()).toMatchObject({ error: { code: 'missing_api_key' } });
  });

  test('a rate-limit refusal exposes retry-after and the limits', async () => {
    // Prepare
    const limited = (await harness.createKey({ limits: { rpm: 1 } })).key;
    await chat(harness, limited, {});

    // Act
    const response = await chat(harness, limited, {});
    const view = browserView(response, APP);

    // Assess
    expect(view?.status).toBe(429);
    expect(view?.header('retry-after')).toBeTruthy();
    expect(view?.header('x-ratelimit-remaining-requests')).toBe('0');
  });

  test('a request from an origin not listed: answered, but not readable by that page', async () => {
    // Act
    const response = await chat(harness, key, {}, 'https://evil.example');

    // Assess
    expect(response.status).toBe(200);
    expect(browserView(response, 'https://evil.example')).toBeUndefined();
  });
});

describe('without server.cors (the default)', () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(async () => harness.close());

  test('no CORS headers, and OPTIONS is a 405 like any other method', async () => {
    // Act
    const options = await preflight(harness, '/v1/chat/completions');
    const health = await harness.fetch('/health', { headers: { origin: APP } });

    // Assess
    expect(options.status).toBe(405);
    for (const response of [options, health]) {
      expect([...response.headers.keys()].filter((name) => name.startsWith('access-control-') || name === 'vary')).toEqual([]);
    }
  });
});
