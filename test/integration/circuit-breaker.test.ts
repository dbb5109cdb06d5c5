import { afterAll, beforeAll, expect, test } from 'vitest';
import { configureResilience, type Harness, startHarness } from './harness.ts';

// The circuit breaker over real HTTP, on its own router: breaker state is per instance.

let harness: Harness;
let key: string;

beforeAll(async () => {
  harness = await startHarness({ configure: (config) => configureResilience(config, 3) });
  key = (await harness.createKey()).key;
});
afterAll(async () => harness.close());

const chat = async () => {
  const response = await harness.fetch('/v1/chat/completions', {
    method: 'POST',
    key,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-fake', messages: [{ role: 'user', content: 'ping' }] }),
  });
  return { status: response.status, headers: Object.fromEntries(response.headers), text: await response.text() };
};

const upstreamCalls = async <T>(act: () => Promise<T>): Promise<{ result: T; calls: number }> => {
  const before = harness.openaiUpstream.requests.length;
  const result = await act();
  return { result, calls: harness.openaiUpstream.requests.length - before };
};

test('after repeated failures the model is skipped, then probed again after the cool-down', async () => {
  // Prepare: two failing requests (two attempts each) open gpt-fake's circuit (threshold 3).
  harness.openaiUpstream.setBehavior({ kind: 'error', status: 502, message: 'bad gateway' });
  for (let i = 0; i < 2; i++) expect((await chat()).headers['x-router-model']).toBe('claude-fake');

  // Act: while open, gpt-fake is not even called.
  const open = await upstreamCalls(() => chat());

  // Assess
  expect(open.calls).toBe(0);
  expect(open.result.headers).toMatchObject({
    'x-router-model': 'claude-fake',
    'x-router-attempts': '1',
    'x-router-fallback': 'true',
  });

  // Act: after the cool-down one probe goes through; it succeeds and closes the circuit.
  harness.openaiUpstream.setBehavior({ kind: 'echo' });
  await new Promise((resolve) => setTimeout(resolve, 450));
  const probe = await upstreamCalls(() => chat());
  const closed = await upstreamCalls(() => chat());

  // Assess
  expect(probe.calls).toBe(1);
  expect(probe.result.headers['x-router-model']).toBe('gpt-fake');
  expect(closed.calls).toBe(1);
});
