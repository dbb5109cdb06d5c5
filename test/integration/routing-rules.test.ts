import { afterAll, beforeAll, expect, test } from 'vitest';
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
