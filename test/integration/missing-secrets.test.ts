import { afterAll, beforeAll, expect, test } from 'vitest';
import { type Harness, startHarness } from './harness.ts';

// Day one: the provider-keys secret does not hold every key yet. The models whose key is missing
// are unavailable; the others serve, and /health says what is missing.

let harness: Harness;
let key: string;

beforeAll(async () => {
  harness = await startHarness({
    configure: (config) => {
      const claude = config.models.find((model) => model.id === 'claude-fake');
      if (claude) claude.apiKey = 'env:NOT_SET_ANTHROPIC_KEY';
      const gpt = config.models.find((model) => model.id === 'gpt-fake');
      if (gpt) gpt.fallbacks = ['claude-fake'];
      config.aliases = { auto: { strategy: 'complexity', models: ['claude-fake', 'gpt-fake'] } };
    },
  });
  key = (await harness.createKey()).key;
});
afterAll(async () => harness.close());

const chat = (model: string) =>
  harness.fetch('/v1/chat/completions', {
    method: 'POST',
    key,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'Prove that sqrt(2) is irrational.' }] }),
  });

test('/health is a 200 that names the models whose key is missing', async () => {
  // Act
  const response = await harness.fetch('/health');

  // Assess
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({
    status: 'degraded',
    unavailable: [{ model: 'claude-fake', reason: 'its API key is not configured' }],
  });
});

test('an alias serves with the models that have keys', async () => {
  // Act
  const response = await chat('auto');
  await response.text();

  // Assess
  expect(response.status).toBe(200);
  expect(response.headers.get('x-router-model')).toBe('gpt-fake');
});

test('the unavailable model asked for by id is a 503 that says why, and no upstream is called', async () => {
  // Prepare
  const before = harness.anthropicUpstream.requests.length;

  // Act
  const response = await chat('claude-fake');

  // Assess
  expect(response.status).toBe(503);
  expect(await response.json()).toMatchObject({
    error: {
      code: 'model_unavailable',
      message: expect.stringMatching(/^Model 'claude-fake' is not available: its API key is not configured\./),
    },
  });
  expect(harness.anthropicUpstream.requests.length).toBe(before);
});
