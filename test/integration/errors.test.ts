import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { FAKE_OPENAI_KEY } from '#test/fixtures/fake-openai.ts';
import { type Harness, startHarness } from './harness.ts';

// Bad keys, bad bodies and failing upstreams: each gets OpenAI's error JSON with the right
// status and a message that says what to fix, and nothing leaks.

let harness: Harness;
let key: string;

beforeAll(async () => {
  harness = await startHarness({ server: { maxBodyBytes: 4096 } });
  key = (await harness.createKey({ models: ['mock-small', 'gpt-fake', 'auto'] })).key;
});
afterAll(async () => harness.close());
afterEach(() => harness.openaiUpstream.setBehavior({ kind: 'echo' }));

const post = (body: string, headers: Record<string, string> = {}, path = '/v1/chat/completions') =>
  harness.fetch(path, { method: 'POST', key, headers: { 'content-type': 'application/json', ...headers }, body });

const expectOpenAIError = async (response: Response, status: number, code: string, message: RegExp) => {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  const body = (await response.json()) as { error: { message: string; type: string; code: string; param: unknown } };
  expect(body.error).toMatchObject({ code, type: expect.any(String) });
  expect(body.error).toHaveProperty('param');
  expect(body.error.message).toMatch(message);
  return body.error;
};

describe('authentication', () => {
  test('no key: 401 saying how to send one', async () => {
    const response = await harness.fetch('/v1/models');
    await expectOpenAIError(response, 401, 'missing_api_key', /Authorization: Bearer/);
  });

  test('unknown key: 401', async () => {
    const response = await harness.fetch('/v1/models', { key: 'sk-ir-not-a-real-key' });
    await expectOpenAIError(response, 401, 'invalid_api_key', /Invalid API key/);
  });

  test('x-api-key is accepted as well as Authorization', async () => {
    const response = await harness.fetch('/v1/models', { headers: { 'x-api-key': key } });
    expect(response.status).toBe(200);
  });

  test('the openai SDK raises AuthenticationError for a bad key', async () => {
    await expect(
      harness.client('sk-ir-wrong').chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
  });

  test('an admin key is not a client key, and a client key is not an admin key', async () => {
    await expectOpenAIError(
      await harness.fetch('/v1/models', { key: 'sk-admin-test-0123456789abcdef' }),
      401,
      'invalid_api_key',
      /Invalid API key/,
    );
    await expectOpenAIError(await harness.fetch('/admin/keys', { key }), 401, 'invalid_admin_key', /Invalid admin key/);
  });
});

describe('bad requests', () => {
  test('malformed JSON: 400 invalid_json', async () => {
    await expectOpenAIError(await post('{"model": "auto", '), 400, 'invalid_json', /not valid JSON/);
  });

  test('wrong types: 400 naming the field', async () => {
    const error = await expectOpenAIError(
      await post(JSON.stringify({ model: 'auto', messages: [{ role: 'user', content: 42 }] })),
      400,
      'invalid_request',
      /messages\[0\]/,
    );
    expect(error.param).toMatch(/^messages\[0\]/);
  });

  test('empty messages: 400', async () => {
    await expectOpenAIError(
      await post(JSON.stringify({ model: 'auto', messages: [] })),
      400,
      'invalid_request',
      /messages must not be empty/,
    );
  });

  test('missing model: 400', async () => {
    await expectOpenAIError(
      await post(JSON.stringify({ messages: [{ role: 'user', content: 'x' }] })),
      400,
      'invalid_request',
      /model is required/,
    );
  });

  test('a body that is not an object: 400', async () => {
    await expectOpenAIError(await post('[1,2]'), 400, 'invalid_request', /JSON object/);
  });

  test('temperature out of range: 400 with param', async () => {
    const error = await expectOpenAIError(
      await post(JSON.stringify({ model: 'auto', temperature: 3, messages: [{ role: 'user', content: 'x' }] })),
      400,
      'invalid_request',
      /temperature/,
    );
    expect(error.param).toBe('temperature');
  });

  test('a body over the configured size: 413', async () => {
    const big = JSON.stringify({ model: 'auto', messages: [{ role: 'user', content: 'x'.repeat(5000) }] });
    await expectOpenAIError(await post(big), 413, 'request_too_large', /limit is 4096 bytes/);
  });

  test('a non-JSON content type: 415', async () => {
    await expectOpenAIError(
      await post('model=auto', { 'content-type': 'application/x-www-form-urlencoded' }),
      415,
      'unsupported_media_type',
      /application\/json/,
    );
  });

  test('unknown model: 404 listing what exists', async () => {
    await expectOpenAIError(
      await post(JSON.stringify({ model: 'gpt-99', messages: [{ role: 'user', content: 'x' }] })),
      404,
      'model_not_found',
      /'gpt-99' does not exist. Available: mock-small, mock-large/,
    );
  });

  test('a model the key may not use: 403', async () => {
    await expectOpenAIError(
      await post(JSON.stringify({ model: 'claude-fake', messages: [{ role: 'user', content: 'x' }] })),
      403,
      'model_not_allowed',
      /may not use model 'claude-fake'/,
    );
  });

  test('unknown endpoint: 404; wrong method: 405 with allow', async () => {
    await expectOpenAIError(
      await harness.fetch('/v1/nothing', { key }),
      404,
      'unknown_endpoint',
      /Unknown endpoint GET \/v1\/nothing/,
    );
    const response = await harness.fetch('/v1/chat/completions', { key });
    await expectOpenAIError(response, 405, 'method_not_allowed', /use POST/);
    expect(response.headers.get('allow')).toBe('POST');
  });
});

describe('upstream failures', () => {
  const chat = (extra: Record<string, unknown> = {}) =>
    post(JSON.stringify({ model: 'gpt-fake', messages: [{ role: 'user', content: 'x' }], ...extra }));

  test('an upstream that rejects our credentials: 502, and its key never reaches the client', async () => {
    // Prepare: the fake echoes the presented key in its error, as OpenAI does.
    harness.openaiUpstream.setBehavior({ kind: 'error', status: 401, message: `Incorrect API key provided: ${FAKE_OPENAI_KEY}` });

    // Act
    const response = await chat();

    // Assess
    const text = await response.clone().text();
    await expectOpenAIError(response, 502, 'upstream_auth_error', /could not authenticate with openai/);
    expect(text).not.toContain(FAKE_OPENAI_KEY);
    expect(text).not.toContain('sk-test');
  });

  test('an upstream that keeps rate limiting: 503 that keeps its retry-after', async () => {
    harness.openaiUpstream.setBehavior({ kind: 'error', status: 429, message: 'slow down', headers: { 'retry-after': '7' } });
    const response = await chat();
    await expectOpenAIError(response, 503, 'upstream_rate_limited', /rate limiting/);
    expect(response.headers.get('retry-after')).toBe('7');
  });

  test('an upstream 400 explains itself to the client', async () => {
    harness.openaiUpstream.setBehavior({ kind: 'error', status: 400, message: "Invalid value for 'logit_bias'" });
    await expectOpenAIError(await chat(), 400, 'upstream_invalid_request', /logit_bias/);
  });

  test('an upstream 500 before the first byte of a stream: 502, not a 200', async () => {
    harness.openaiUpstream.setBehavior({ kind: 'error', status: 500, message: 'boom' });
    await expectOpenAIError(await chat({ stream: true }), 502, 'upstream_error', /openai failed with HTTP 500/);
  });

  test('a stream cut midway ends with an SSE error event, never a clean [DONE]', async () => {
    // Prepare
    harness.openaiUpstream.setBehavior({ kind: 'cut', afterChunks: 3 });

    // Act
    const response = await chat({ stream: true });
    const text = await response.text();

    // Assess
    expect(response.status).toBe(200);
    expect(text).toContain('"content":"this "');
    expect(text).not.toContain('[DONE]');
    const last = text.trim().split('\n\n').at(-1) ?? '';
    expect(JSON.parse(last.replace(/^data: /, ''))).toMatchObject({
      error: { code: 'upstream_stream_cut', type: 'upstream_error' },
    });
  });

  test('the openai SDK raises an error for a cut stream instead of returning a truncated answer', async () => {
    harness.openaiUpstream.setBehavior({ kind: 'cut', afterChunks: 3 });
    const stream = await harness
      .client(key)
      .chat.completions.create({ model: 'gpt-fake', messages: [{ role: 'user', content: 'x' }], stream: true });
    const consume = async () => {
      for await (const _chunk of stream) {
        // drain
      }
    };
    await expect(consume()).rejects.toThrow(/before it was complete/);
  });
});
