import { afterAll, beforeAll, expect, test } from 'vitest';
import { ADMIN_KEY, type Harness, startHarness } from './harness.ts';

// Every response carries the router's headers; usage and sizes when they are known.

let harness: Harness;
let key: string;

beforeAll(async () => {
  harness = await startHarness();
  key = (await harness.createKey()).key;
});
afterAll(async () => harness.close());

test('HEAD /health answers 200 with no body, for load balancers and uptime checks', async () => {
  // Act
  const response = await harness.fetch('/health', { method: 'HEAD' });

  // Assess
  expect(response.status).toBe(200);
  expect(await response.text()).toBe('');
});

test('a malformed Authorization header does not hide a valid x-api-key', async () => {
  // Prepare
  const { key } = await harness.createKey();

  // Act
  const response = await harness.fetch('/v1/models', { headers: { authorization: 'Basic dXNlcjpwYXNz', 'x-api-key': key } });

  // Assess
  expect(response.status).toBe(200);
});

test('GET /health needs no key and is cheap', async () => {
  const response = await harness.fetch('/health');
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({ status: 'ok' });
  expect(response.headers.get('x-request-id')).toBeTruthy();
});

test('a JSON completion reports routing, usage, sizes and timing', async () => {
  // Prepare
  harness.openaiUpstream.setBehavior({
    kind: 'reply',
    text: 'hello',
    usage: { prompt_tokens: 21, completion_tokens: 3, cached_tokens: 5 },
  });
  const body = JSON.stringify({ model: 'gpt-fake', messages: [{ role: 'user', content: 'hi' }] });

  // Act
  const response = await harness.fetch('/v1/chat/completions', {
    method: 'POST',
    key,
    headers: { 'content-type': 'application/json' },
    body,
  });
  const text = await response.text();

  // Assess
  const headers = Object.fromEntries(response.headers);
  expect(headers).toMatchObject({
    'x-router-model': 'gpt-fake',
    'x-router-provider': 'openai',
    'x-router-tier': 'standard',
    'x-router-reason': 'requested model',
    'x-token-usage': 'prompt=21; completion=3; cached=5; total=24',
    'x-request-size': String(Buffer.byteLength(body)),
    'x-response-size': String(Buffer.byteLength(text)),
  });
  expect(Number(headers['x-process-time'])).toBeGreaterThan(0);
  expect(headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  // The completion id of an OpenAI upstream is kept; the model is the router's id.
  expect(JSON.parse(text)).toMatchObject({ id: expect.stringMatching(/^chatcmpl-fake-/), model: 'gpt-fake' });
});

test('an upstream without stream usage is estimated, and says so in the usage chunk', async () => {
  // Prepare
  harness.openaiUpstream.setBehavior({ kind: 'no-usage', text: 'one two three four' });

  // Act
  const stream = await harness.client(key).chat.completions.create({
    model: 'gpt-fake',
    messages: [{ role: 'user', content: 'count' }],
    stream: true,
    stream_options: { include_usage: true },
  });
  let usage: { completion_tokens: number; prompt_tokens: number } | undefined;
  for await (const chunk of stream) if (chunk.usage) usage = chunk.usage;

  // Assess: four short words are four tokens; the prompt has framing overhead.
  expect(usage?.completion_tokens).toBe(4);
  expect(usage?.prompt_tokens).toBeGreaterThan(5);
  harness.openaiUpstream.setBehavior({ kind: 'echo' });
});

test.each([false, true])(
  'an upstream that reports no usage for a tool call is billed for the call, not for nothing (stream: %s)',
  async (stream) => {
    // Prepare: a long tool call and no text.
    const args = JSON.stringify({ query: 'word '.repeat(200).trim() });
    harness.openaiUpstream.setBehavior({ kind: 'tool-calls', calls: [{ name: 'search', arguments: args }], noUsage: true });

    // Act
    const response = await harness.fetch('/v1/chat/completions', {
      method: 'POST',
      key,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'gpt-fake',
        messages: [{ role: 'user', content: 'search' }],
        tools: [{ type: 'function', function: { name: 'search', parameters: { type: 'object' } } }],
        stream,
      }),
    });
    await response.text();
    await harness.router.idle();
    harness.openaiUpstream.setBehavior({ kind: 'echo' });

    // Assess: the arguments alone are about 200 tokens, estimated.
    const usage = harness.usageEvent(response.headers.get('x-request-id'))?.usage;
    expect(usage?.estimated).toBe(true);
    expect(usage?.completionTokens).toBeGreaterThan(150);
  },
);

test('a stream reports routing headers and SSE content type up front', async () => {
  const response = await harness.fetch('/v1/chat/completions', {
    method: 'POST',
    key,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'auto', stream: true, messages: [{ role: 'user', content: 'Say hi.' }] }),
  });
  expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
  expect(response.headers.get('x-router-model')).toBe('mock-small');
  expect(response.headers.get('x-router-provider')).toBe('mock');
  expect(response.headers.get('x-token-usage')).toBeNull();
  expect((await response.text()).endsWith('data: [DONE]\n\n')).toBe(true);
});

test('errors carry the request id and timing too', async () => {
  const response = await harness.fetch('/v1/models');
  expect(response.status).toBe(401);
  expect(response.headers.get('x-request-id')).toBeTruthy();
  expect(response.headers.get('x-process-time')).toBeTruthy();
});

test('a revoked key is refused at once by the instance that revoked it, whatever the cache TTL', async () => {
  // Prepare: the key is used, so this instance caches it (for 10 s by default).
  const { key: doomed, id } = await harness.createKey();
  expect((await harness.fetch('/v1/models', { key: doomed })).status).toBe(200);

  // Act
  const revoked = await harness.fetch(`/admin/keys/${id}`, { method: 'DELETE', key: ADMIN_KEY });
  const after = await harness.fetch('/v1/models', { key: doomed });

  // Assess
  expect(revoked.status).toBe(200);
  expect(after.status).toBe(401);
  expect(await after.json()).toMatchObject({ error: { code: 'api_key_revoked' } });
});
