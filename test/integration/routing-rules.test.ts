import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Harness, startHarness } from './harness.ts';

// Routing policies from the config, over HTTP: header rules, tenant rules, weighted splits,
// capability filters; every decision explained in the response headers.

let harness: Harness;
let key: string;

beforeAll(async () => {
  harness = await startHarness({
    configure: (config) => {
      config.aliases = {
        auto: { strategy: 'complexity', models: ['mock-small', 'mock-large'] },
        cheapest: { strategy: 'cheapest' },
        ab: { strategy: 'cheapest', models: ['mock-small', 'mock-large'] },
      };
      const gpt = config.models.find((model) => model.id === 'gpt-fake');
      if (gpt) gpt.fallbacks = ['claude-fake'];
      config.routing = {
        // These tests are about rules: the heuristic scorer's scores are fixed and easy to state.
        complexity: { scorer: 'heuristic' },
        breaker: { failureThreshold: 1000, coolDownMs: 1000 },
        rules: [
          { name: 'premium-header', when: { headers: { 'x-router-tier': 'premium' } }, target: { model: 'claude-fake' } },
          { name: 'vip-tenant', when: { tenants: ['vip'], aliases: ['auto'] }, target: { chain: ['gpt-fake', 'mock-large'] } },
          {
            name: 'ab-test',
            when: { aliases: ['ab'] },
            target: {
              split: [
                { model: 'mock-small', weight: 50 },
                { model: 'mock-large', weight: 50 },
              ],
            },
          },
        ],
      };
    },
  });
  key = (await harness.createKey()).key;
});
afterAll(async () => harness.close());

const chat = async (body: Record<string, unknown>, headers: Record<string, string> = {}, apiKey = key) => {
  const response = await harness.fetch('/v1/chat/completions', {
    method: 'POST',
    key: apiKey,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }], ...body }),
  });
  await response.text();
  return Object.fromEntries(response.headers);
};

test('without a matching rule, auto routes by complexity and says so', async () => {
  const headers = await chat({ model: 'auto' });
  expect(headers).toMatchObject({
    'x-router-model': 'mock-small',
    'x-router-tier': 'simple',
    'x-router-score': '0',
    'x-router-reason': 'alias auto: complexity 0 -> simple',
  });
});

test('a header rule sends the request to its model and names the rule', async () => {
  const headers = await chat({ model: 'auto' }, { 'X-Router-Tier': 'premium' });
  expect(headers).toMatchObject({
    'x-router-model': 'claude-fake',
    'x-router-provider': 'anthropic',
    'x-router-reason': 'rule premium-header',
  });
});

test('a tenant rule applies to that tenant only', async () => {
  // Prepare
  const vip = (await harness.createKey({ tenant: 'vip' })).key;

  // Act
  const forVip = await chat({ model: 'auto' }, {}, vip);
  const forOthers = await chat({ model: 'auto' });

  // Assess
  expect(forVip).toMatchObject({ 'x-router-model': 'gpt-fake', 'x-router-reason': 'rule vip-tenant' });
  expect(forOthers['x-router-model']).toBe('mock-small');
});

test('a concrete model id bypasses rules and scoring', async () => {
  const headers = await chat({ model: 'mock-large' }, { 'x-router-tier': 'premium' });
  expect(headers).toMatchObject({ 'x-router-model': 'mock-large', 'x-router-reason': 'requested model' });
  expect(headers).not.toHaveProperty('x-router-score');
});

test('a weighted split keeps one user on one arm and spreads users over both', async () => {
  // Act
  const sameUser = new Set<string>();
  for (let i = 0; i < 5; i++) sameUser.add((await chat({ model: 'ab', user: 'user-7' }))['x-router-model'] ?? '');
  const arms = new Set<string>();
  for (let i = 0; i < 40; i++) arms.add((await chat({ model: 'ab', user: `user-${i}` }))['x-router-model'] ?? '');

  // Assess
  expect(sameUser.size).toBe(1);
  expect([...arms].sort()).toEqual(['mock-large', 'mock-small']);
});

test('capability filters skip models that cannot serve the request', async () => {
  // gpt-fake has no capabilities configured: an image request routed to the vip chain skips it.
  const vip = (await harness.createKey({ tenant: 'vip' })).key;
  const headers = await chat(
    {
      model: 'auto',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'what is this?' },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.png' } },
          ],
        },
      ],
    },
    {},
    vip,
  );
  expect(headers).toMatchObject({ 'x-router-model': 'mock-large', 'x-router-reason': 'rule vip-tenant' });
});

describe("a key's model list binds the model that serves it", () => {
  const hard =
    'Prove there are infinitely many primes p ≡ 3 mod 4, derive the algorithm and analyze its complexity and trade-offs.';

  test('auto, a header rule and a split serve only the models the key lists', async () => {
    // Prepare
    const limited = (await harness.createKey({ models: ['mock-small', 'auto', 'ab'] })).key;

    // Act
    const scored = await chat({ model: 'auto', messages: [{ role: 'user', content: hard }] }, {}, limited);
    const byHeader = await chat({ model: 'auto' }, { 'x-router-tier': 'premium' }, limited);
    const split = new Set<string>();
    for (let i = 0; i < 20; i++) split.add((await chat({ model: 'ab', user: `user-${i}` }, {}, limited))['x-router-model'] ?? '');

    // Assess
    expect(scored['x-router-model']).toBe('mock-small');
    expect(byHeader['x-router-model']).toBe('mock-small');
    expect([...split]).toEqual(['mock-small']);
  });

  test('a fallback the key does not list is never tried', async () => {
    // Prepare: gpt-fake falls back to claude-fake (see beforeAll); the key lists gpt-fake only.
    const failure = { kind: 'error', status: 503, message: 'overloaded' } as const;
    harness.openaiUpstream.enqueue(failure, failure, failure);
    const before = harness.anthropicUpstream.requests.length;
    const limited = (await harness.createKey({ models: ['gpt-fake'] })).key;
    const anyKey = (await harness.createKey()).key;

    // Act
    const listed = await harness.fetch('/v1/chat/completions', {
      method: 'POST',
      key: limited,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-fake', messages: [{ role: 'user', content: 'hi' }] }),
    });
    await listed.text();
    const afterListed = harness.anthropicUpstream.requests.length;
    harness.openaiUpstream.enqueue(failure, failure, failure);
    const unrestricted = await harness.fetch('/v1/chat/completions', {
      method: 'POST',
      key: anyKey,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-fake', messages: [{ role: 'user', content: 'hi' }] }),
    });
    await unrestricted.text();

    // Assess: the restricted key fails on its own model; an unrestricted key is rescued by the fallback.
    expect(listed.status).toBe(503);
    expect(afterListed).toBe(before);
    expect(unrestricted.status).toBe(200);
    expect(unrestricted.headers.get('x-router-model')).toBe('claude-fake');
  });

  test('when no listed model can serve the request, a 403 says so', async () => {
    // Prepare: mock-small has no vision; the key may use nothing else.
    const limited = (await harness.createKey({ models: ['mock-small', 'auto'] })).key;

    // Act
    const response = await harness.fetch('/v1/chat/completions', {
      method: 'POST',
      key: limited,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'auto',
        messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/cat.png' } }] }],
      }),
    });

    // Assess
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ error: { code: 'no_allowed_model', param: 'model' } });
  });
});
