import { afterAll, beforeAll, expect, test } from 'vitest';
import { type Harness, startHarness } from './harness.ts';

// A client that hangs up before the answer must not take the server down, and the request is
// still accounted for.

let harness: Harness;
let key: string;

beforeAll(async () => {
  harness = await startHarness({
    configure: (config) => {
      config.models.push({ id: 'mock-slow', provider: 'mock', mock: { latencyMs: 300, tokenDelayMs: 50 } });
    },
  });
  key = (await harness.createKey()).key;
});
afterAll(async () => harness.close());

test.each([false, true])('a hang-up before the answer (stream: %s) leaves the server serving', async (stream) => {
  // Act: abort after 100 ms, while the model is still "thinking".
  const aborted = harness
    .fetch('/v1/chat/completions', {
      method: 'POST',
      key,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'mock-slow', stream, messages: [{ role: 'user', content: 'hi' }] }),
      signal: AbortSignal.timeout(100),
    })
    .then((response) => response.text())
    .catch((error: unknown) => error);
  expect(await aborted).toBeInstanceOf(Error);
  await harness.router.idle();

  // Assess
  const after = await harness.fetch('/health');
  expect(after.status).toBe(200);
});

test('a client that hangs up mid-stream is billed for what the model produced until then', async () => {
  // Prepare
  const { key: streamKey, id } = await harness.createKey({ limits: { tpm: 1_000_000 } });
  const controller = new AbortController();
  const response = await harness.fetch('/v1/chat/completions', {
    method: 'POST',
    key: streamKey,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'mock-slow',
      stream: true,
      messages: [{ role: 'user', content: 'tell me a long story about routers and models' }],
    }),
    signal: controller.signal,
  });
  const requestId = response.headers.get('x-request-id');

  // Act: read a few chunks, then hang up.
  const reader = response.body?.getReader();
  for (let i = 0; i < 4; i++) await reader?.read();
  controller.abort();
  await harness.router.idle();

  // Assess
  const event = harness.router.bus.archive.find(
    (candidate) => (candidate.detail as { requestId: string }).requestId === requestId,
  );
  expect(event).toMatchObject({
    'detail-type': 'inference.completed',
    detail: { keyId: id, streamError: 'client_closed', usage: { estimated: true, completionTokens: expect.any(Number) } },
  });
  const detail = event?.detail as { usage: { completionTokens: number } } | undefined;
  expect(detail?.usage.completionTokens).toBeGreaterThan(0);
});

test('a client that hangs up before the first token of a stream is billed the prompt the model was sent', async () => {
  // Prepare
  const { key: streamKey, id } = await harness.createKey({ limits: { tpm: 10_000_000 } });
  const prompt = 'lorem ipsum dolor sit amet '.repeat(2_000);

  // Act: leave while the model is still "thinking" (300 ms).
  const response = await harness
    .fetch('/v1/chat/completions', {
      method: 'POST',
      key: streamKey,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'mock-slow', stream: true, messages: [{ role: 'user', content: prompt }] }),
      signal: AbortSignal.timeout(100),
    })
    .catch((error: unknown) => error);
  expect(response).toBeInstanceOf(Error);
  await new Promise((resolve) => setTimeout(resolve, 500));
  await harness.router.idle();

  // Assess: the prompt is billed (an estimate: the upstream reported nothing), and the hang-up is named.
  const event = harness.router.bus.archive.find((candidate) => (candidate.detail as { keyId: string }).keyId === id);
  expect(event?.detail).toMatchObject({
    servedModel: 'mock-slow',
    streamError: 'client_closed',
    usage: { completionTokens: 0, estimated: true },
  });
  expect((event?.detail as { usage?: { promptTokens: number } } | undefined)?.usage?.promptTokens).toBeGreaterThan(5_000);
});
