import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { configureResilience, type Harness, startHarness } from './harness.ts';

// Retries, fallbacks, timeouts and circuit breaking over real HTTP, against upstreams that fail,
// hang, rate-limit and cut streams.

let harness: Harness;
let key: string;

beforeAll(async () => {
  harness = await startHarness({ configure: (config) => configureResilience(config) });
  key = (await harness.createKey()).key;
});
afterAll(async () => harness.close());
afterEach(() => {
  harness.openaiUpstream.setBehavior({ kind: 'echo' });
  harness.anthropicUpstream.setBehavior({ kind: 'echo' });
});

const chat = async (body: Record<string, unknown> = {}) => {
  const response = await harness.fetch('/v1/chat/completions', {
    method: 'POST',
    key,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-fake', messages: [{ role: 'user', content: 'ping' }], ...body }),
  });
  return { response, status: response.status, headers: Object.fromEntries(response.headers), text: await response.text() };
};

/** Requests the fake OpenAI upstream received during `act`. */
const upstreamCalls = async <T>(act: () => Promise<T>): Promise<{ result: T; calls: number }> => {
  const before = harness.openaiUpstream.requests.length;
  const result = await act();
  return { result, calls: harness.openaiUpstream.requests.length - before };
};

describe('retries', () => {
  test('a transient 500 is retried on the same model, and the answer says it took two attempts', async () => {
    // Prepare
    harness.openaiUpstream.enqueue({ kind: 'error', status: 500, message: 'boom' });

    // Act
    const { result, calls } = await upstreamCalls(() => chat());

    // Assess
    expect(result.status).toBe(200);
    expect(calls).toBe(2);
    expect(result.headers).toMatchObject({
      'x-router-model': 'gpt-fake',
      'x-router-attempts': '2',
      'x-router-fallback': 'false',
    });
  });

  test('a 429 with a short retry-after is waited for, then retried', async () => {
    // Prepare
    harness.openaiUpstream.enqueue({ kind: 'error', status: 429, message: 'slow down', headers: { 'retry-after': '1' } });
    const started = performance.now();

    // Act
    const { result, calls } = await upstreamCalls(() => chat());

    // Assess: the router waited the full second the upstream asked for before trying again.
    expect(result.status).toBe(200);
    expect(calls).toBe(2);
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
    expect(result.headers['x-router-model']).toBe('gpt-fake');
  });

  test('a request error (400) is neither retried nor sent to a fallback', async () => {
    // Prepare
    harness.openaiUpstream.setBehavior({ kind: 'error', status: 400, message: 'bad logit_bias' });

    // Act
    const { result, calls } = await upstreamCalls(() => chat());

    // Assess
    expect(result.status).toBe(400);
    expect(calls).toBe(1);
    expect(harness.anthropicUpstream.requests.length).toBe(0);
  });
});

describe('fallbacks', () => {
  test('a 429 with a long retry-after goes to the fallback model at once', async () => {
    // Prepare
    harness.openaiUpstream.setBehavior({ kind: 'error', status: 429, message: 'quota', headers: { 'retry-after': '60' } });

    // Act
    const { result, calls } = await upstreamCalls(() => chat());

    // Assess
    expect(result.status).toBe(200);
    expect(calls).toBe(1);
    expect(JSON.parse(result.text)).toMatchObject({ model: 'claude-fake', choices: [{ message: { content: 'echo: ping' } }] });
    expect(result.headers).toMatchObject({
      'x-router-model': 'claude-fake',
      'x-router-provider': 'anthropic',
      'x-router-attempts': '2',
      'x-router-fallback': 'true',
    });
  });

  test('an upstream that refuses our credentials is not retried but falls back', async () => {
    harness.openaiUpstream.setBehavior({ kind: 'error', status: 401, message: 'bad key' });
    const { result, calls } = await upstreamCalls(() => chat());
    expect(result.status).toBe(200);
    expect(calls).toBe(1);
    expect(result.headers['x-router-model']).toBe('claude-fake');
  });

  test('a stream whose upstream hangs before the first byte falls back within the first-byte timeout', async () => {
    // Prepare
    harness.openaiUpstream.setBehavior({ kind: 'hang' });

    // Act
    const result = await chat({ stream: true });

    // Assess
    expect(result.status).toBe(200);
    expect(result.headers['x-router-model']).toBe('claude-fake');
    expect(result.headers['x-router-attempts']).toBe('3');
    expect(result.text).toContain('"content":"echo: "');
    expect(result.text.endsWith('data: [DONE]\n\n')).toBe(true);
  });

  test('a stream cut after its first byte is not retried: it ends with an SSE error event', async () => {
    // Prepare
    harness.openaiUpstream.setBehavior({ kind: 'cut', afterChunks: 2 });

    // Act
    const { result, calls } = await upstreamCalls(() => chat({ stream: true }));

    // Assess
    expect(calls).toBe(1);
    expect(result.status).toBe(200);
    expect(result.text).not.toContain('[DONE]');
    expect(result.text).toContain('"code":"upstream_stream_cut"');
  });

  test('when every model fails, the client gets the last cause in the 5xx family', async () => {
    // Prepare
    harness.openaiUpstream.setBehavior({ kind: 'error', status: 500, message: 'down' });
    harness.anthropicUpstream.setBehavior({ kind: 'error', status: 529, errorType: 'overloaded_error', message: 'Overloaded' });

    // Act
    const result = await chat();

    // Assess
    expect(result.status).toBe(503);
    expect(JSON.parse(result.text)).toMatchObject({
      error: {
        code: 'upstream_unavailable',
        message: expect.stringMatching(/^All attempts failed \(gpt-fake, claude-fake\); last: anthropic is overloaded/),
      },
    });
    expect(result.headers['x-router-attempts']).toBe('4');
  });
});

// Regression (issue 14): a non-streamed call had no first-byte timeout, and the default timeoutMs
// equalled the deadline, so a hung model used up the whole deadline and never reached its fallback.
describe('a hung upstream without streaming', () => {
  const DEADLINE_MS = 3_000;
  let hung: Harness;
  let hungKey: string;

  beforeAll(async () => {
    hung = await startHarness({
      configure: (config) => {
        configureResilience(config);
        config.routing = { ...config.routing, deadlineMs: DEADLINE_MS };
        for (const model of config.models) {
          // The default shape, scaled down: the total timeout as long as the deadline.
          if (model.id === 'gpt-fake')
            Object.assign(model, { timeoutMs: DEADLINE_MS, firstByteTimeoutMs: 300, nonStreamFirstByteTimeoutMs: 300 });
        }
      },
    });
    hungKey = (await hung.createKey()).key;
  });
  afterAll(async () => hung.close());

  test('falls back after its first-byte timeouts, well inside the deadline', async () => {
    // Prepare
    hung.openaiUpstream.setBehavior({ kind: 'hang' });
    const started = performance.now();

    // Act
    const response = await hung.fetch('/v1/chat/completions', {
      method: 'POST',
      key: hungKey,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-fake', messages: [{ role: 'user', content: 'ping' }] }),
    });

    // Assess: two attempts of 300 ms on the hung model, then the fallback answers.
    const elapsed = performance.now() - started;
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ model: 'claude-fake', choices: [{ message: { content: 'echo: ping' } }] });
    expect(response.headers.get('x-router-attempts')).toBe('3');
    expect(response.headers.get('x-router-fallback')).toBe('true');
    expect(elapsed).toBeLessThan(DEADLINE_MS / 2);
  });
});
