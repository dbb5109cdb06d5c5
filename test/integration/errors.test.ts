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

  test('a body over the gateway size (10 MB): the client finishes sending and reads a 413 quoting the router limit', async () => {
    // Act: 11 MB; the server must read the rest, not reset the connection mid-upload.
    const response = await post(
      JSON.stringify({ model: 'auto', messages: [{ role: 'user', content: 'x'.repeat(11 * 1024 * 1024) }] }),
    );

    // Assess
    await expectOpenAIError(response, 413, 'request_too_large', /the limit is 4096 bytes/);
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
    await expectOpenAIError(response, 503, 'upstream_rate_limited', /rate limiting model 'gpt-fake'/);
    expect(response.headers.get('retry-after')).toBe('7');
  });

  // Regression (issue 14): the 503 carried the upstream's text, with its organisation, other
  // tenants' usage and an internal hostname.
  test("an upstream 429's own text never reaches the client; the request id does", async () => {
    // Prepare
    harness.openaiUpstream.setBehavior({
      kind: 'error',
      status: 429,
      message:
        'Rate limit reached for gpt-4o-mini in organization org-Xy12AbCd34 on tokens per min (TPM): Limit 30000, Used 29950 (tenant globex 18000). Gateway llm-gw-3.internal.corp:8443',
      headers: { 'retry-after': '7' },
    });

    // Act
    const response = await chat();

    // Assess
    const requestId = response.headers.get('x-request-id') ?? 'missing';
    const text = await response.clone().text();
    const error = await expectOpenAIError(response, 503, 'upstream_rate_limited', /model 'gpt-fake'/);
    expect(error.message).toContain(requestId);
    for (const leak of ['org-Xy12AbCd34', 'Used 29950', 'globex', 'internal.corp', 'gpt-4o-mini', 'tokens per min'])
      expect(text).not.toContain(leak);
    expect(response.headers.get('retry-after')).toBe('7');
  });

  // Regression (issue 14): the 400 passed on the upstream's project id and an internal URL.
  test('an upstream 400 names the field the upstream objected to, and nothing of its text', async () => {
    // Prepare
    harness.openaiUpstream.setBehavior({
      kind: 'error',
      status: 400,
      message: "Invalid value for 'logit_bias' in project proj_Q7rT2pLm (see http://10.0.3.7:9000/v1/errors/4411)",
      param: 'logit_bias',
      code: 'invalid_value',
    });

    // Act
    const response = await chat({ logit_bias: { '50256': -100 } });

    // Assess
    const requestId = response.headers.get('x-request-id') ?? 'missing';
    const text = await response.clone().text();
    const error = await expectOpenAIError(response, 400, 'upstream_invalid_request', /refused the request .*as invalid/);
    expect(error.param).toBe('logit_bias');
    expect(error.message).toContain("'logit_bias'");
    expect(error.message).toContain(requestId);
    for (const leak of ['proj_Q7rT2pLm', '10.0.3.7', '/v1/errors', 'gpt-4o-mini']) expect(text).not.toContain(leak);
  });

  test('an upstream 400 whose param names nothing the client sent gets no param', async () => {
    // Prepare: a "param" that is really an internal value, not a field of the request.
    harness.openaiUpstream.setBehavior({ kind: 'error', status: 400, message: 'bad', param: 'proj_Q7rT2pLm' });

    // Act
    const response = await chat();

    // Assess
    const text = await response.clone().text();
    const error = await expectOpenAIError(response, 400, 'upstream_invalid_request', /as invalid/);
    expect(error.param).toBeNull();
    expect(text).not.toContain('proj_Q7rT2pLm');
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
    // The headers went out before the failure: the event itself names the request to look up.
    const requestId = response.headers.get('x-request-id');
    expect(requestId).toBeTruthy();
    expect(JSON.parse(last.replace(/^data: /, '')).error.message).toContain(`(request id ${requestId})`);
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

describe('deep JSON', () => {
  // The shared harness caps bodies at 4 KB; 10,000 levels need the default limit.
  let roomy: Harness;
  let roomyKey: string;
  beforeAll(async () => {
    roomy = await startHarness();
    roomyKey = (await roomy.createKey()).key;
  });
  afterAll(async () => roomy.close());

  // Regression (issue 14): JSON.parse takes 10,000 levels, but JSON.stringify on the way to the
  // upstream (and other recursive walks) overflowed the stack: a 500 instead of the client's 400.
  test.each([
    {
      where: 'an unknown field',
      field: 'extra',
      body: (deep: string) => ({ model: 'mock-small', messages: [{ role: 'user', content: 'x' }], extra: deep }),
    },
    {
      where: "a tool's parameters",
      field: 'tools',
      body: (deep: string) => ({
        model: 'mock-small',
        messages: [{ role: 'user', content: 'x' }],
        tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: { a: deep } } } }],
      }),
    },
    {
      where: 'a response schema',
      field: 'response_format',
      body: (deep: string) => ({
        model: 'mock-small',
        messages: [{ role: 'user', content: 'x' }],
        response_format: { type: 'json_schema', json_schema: { name: 's', schema: { type: 'object', properties: { a: deep } } } },
      }),
    },
  ])('JSON nested 10,000 levels deep in $where: 400 nesting_too_deep naming the field', async ({ body, field }) => {
    // Prepare: the placeholder string is swapped for raw nested arrays after serialising the rest.
    const text = JSON.stringify(body('DEEP')).replace('"DEEP"', `${'['.repeat(10_000)}${']'.repeat(10_000)}`);

    // Act
    const response = await roomy.fetch('/v1/chat/completions', {
      method: 'POST',
      key: roomyKey,
      headers: { 'content-type': 'application/json' },
      body: text,
    });

    // Assess
    const error = await expectOpenAIError(response, 400, 'nesting_too_deep', /nested more than \d+ levels deep/);
    expect(error.param).toBe(field);
  });
});
