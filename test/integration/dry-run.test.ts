import { afterAll, beforeAll, expect, test } from 'vitest';
import { type Harness, startHarness } from './harness.ts';

// `x-router-dry-run: 1`: the routing decision as JSON, with no model called and no tokens
// reserved, through the whole stack (auth, guardrails, limits).

let harness: Harness;
let key: string;

beforeAll(async () => {
  harness = await startHarness({
    configure: (config) => {
      config.aliases = { auto: { strategy: 'complexity', models: ['gpt-fake', 'mock-large'] } };
    },
  });
  key = (await harness.createKey({ limits: { rpm: 100, tpm: 1_000_000 } })).key;
});
afterAll(async () => harness.close());

const post = (path: string, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  harness.fetch(path, {
    method: 'POST',
    key,
    headers: { 'content-type': 'application/json', 'x-router-dry-run': '1', ...headers },
    body: JSON.stringify(body),
  });

test('a dry run on /v1/chat/completions shows the decision and calls no model', async () => {
  // Prepare
  const before = harness.openaiUpstream.requests.length;

  // Act
  const response = await post('/v1/chat/completions', { model: 'auto', messages: [{ role: 'user', content: 'hi there' }] });
  const body = (await response.json()) as Record<string, unknown>;

  // Assess
  expect(response.status).toBe(200);
  expect(body).toMatchObject({
    object: 'router.decision',
    dry_run: true,
    requested: 'auto',
    scorer: 'complexity-v3',
    fallbacks: expect.any(Array),
    features: expect.objectContaining({ promptTokens: expect.any(Number), turns: 1 }),
  });
  expect(['gpt-fake', 'mock-large']).toContain(body.model);
  expect(body.reason).toMatch(/^alias auto: complexity-v3 [\d.]+ -> \w+/);
  expect(response.headers.get('x-router-model')).toBe(body.model);
  expect(response.headers.get('x-router-score')).toBe(String(body.score));
  expect(harness.openaiUpstream.requests.length).toBe(before);
});

test('a dry run reserves no tokens: the token window is untouched', async () => {
  // Act
  const first = await post('/v1/chat/completions', { model: 'auto', messages: [{ role: 'user', content: 'x '.repeat(2_000) }] });
  const second = await post('/v1/chat/completions', { model: 'auto', messages: [{ role: 'user', content: 'x '.repeat(2_000) }] });
  await Promise.all([first.text(), second.text()]);

  // Assess
  expect(first.headers.get('x-ratelimit-remaining-tokens')).toBe('1000000');
  expect(second.headers.get('x-ratelimit-remaining-tokens')).toBe('1000000');
  expect(Number(second.headers.get('x-ratelimit-remaining-requests'))).toBe(
    Number(first.headers.get('x-ratelimit-remaining-requests')) - 1,
  );
});

test('a dry run on /route-inference shows the decision for its text', async () => {
  // Act
  const response = await post('/route-inference', { text: 'Prove that the halting problem is undecidable.' });

  // Assess
  expect(response.status).toBe(200);
  expect(await response.json()).toMatchObject({ object: 'router.decision', requested: 'auto', scorer: 'complexity-v3' });
});

test('a dry run still passes authentication and validation', async () => {
  // Act
  const unknown = await post('/v1/chat/completions', { model: 'nope', messages: [{ role: 'user', content: 'hi' }] });
  const anonymous = await harness.fetch('/v1/chat/completions', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-router-dry-run': '1' },
    body: JSON.stringify({ model: 'auto', messages: [{ role: 'user', content: 'hi' }] }),
  });

  // Assess
  expect(unknown.status).toBe(404);
  expect(anonymous.status).toBe(401);
});
