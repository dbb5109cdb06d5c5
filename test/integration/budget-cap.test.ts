import { afterAll, beforeAll, expect, test } from 'vitest';
import { monthWindow } from '#shared/limits/windows.ts';
import { microsToUsd } from '#shared/pricing/cost.ts';
import { configureResilience, type Harness, startHarness } from './harness.ts';

// A monthly budget is a hard cap: concurrent requests without max_tokens cannot overrun it,
// because admission holds the most each one can cost (the model's maxOutputTokens).

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness({
    configure: (config) => {
      // A tiny per-minute reservation, so only the monthly hard reservation stands between a burst and the budget.
      config.limits = { reserveOutputTokens: 1 };
      // gpt-fake ($0.15/$0.6 per million) falls back to claude-fake ($3/$15).
      configureResilience(config);
      config.models.push({
        id: 'mock-pricey',
        provider: 'mock',
        tier: 'complex',
        maxOutputTokens: 50,
        pricing: { inputPerMTok: 1_000, outputPerMTok: 1_000 },
        mock: { latencyMs: 200 },
      });
    },
  });
});
afterAll(async () => harness.close());

test('20 concurrent requests without max_tokens stay within a $0.25 monthly budget', async () => {
  // Prepare
  const budget = 0.25;
  const { key, id } = await harness.createKey({ limits: { monthlyBudgetUsd: budget } });

  // Act
  const responses = await Promise.all(
    Array.from({ length: 20 }, () =>
      harness.fetch('/v1/chat/completions', {
        method: 'POST',
        key,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'mock-pricey', messages: [{ role: 'user', content: 'hi' }] }),
      }),
    ),
  );
  await Promise.all(responses.map((response) => response.text()));
  await harness.router.idle();

  // Assess: some are refused, and what was served costs no more than the budget.
  const served = responses.filter((response) => response.status === 200);
  expect(served.length).toBeGreaterThan(0);
  expect(responses.filter((response) => response.status === 429).length).toBeGreaterThan(0);
  const window = await harness.router.runtime.limits.read(`key#${id}`, monthWindow(new Date()));
  expect(microsToUsd(window.spendMicros)).toBeGreaterThan(0);
  expect(microsToUsd(window.spendMicros)).toBeLessThanOrEqual(budget);
});

test.each([
  { budget: 0.001, served: false },
  { budget: 0.05, served: true },
])(
  'a failing cheap model whose fallback is dearer cannot take a key past its $budget monthly budget',
  async ({ budget, served }) => {
    // Prepare: the cheap model fails; its fallback would write 1,000 tokens at $15 per million ($0.015).
    const { key, id } = await harness.createKey({ limits: { monthlyBudgetUsd: budget } });
    harness.openaiUpstream.setBehavior({ kind: 'error', status: 500, message: 'down' });
    harness.anthropicUpstream.setBehavior({ kind: 'reply', text: 'ok', usage: { input_tokens: 10, output_tokens: 1_000 } });

    // Act
    const response = await harness.fetch('/v1/chat/completions', {
      method: 'POST',
      key,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-fake', max_tokens: 1_000, messages: [{ role: 'user', content: 'hi' }] }),
    });
    await response.text();
    await harness.router.idle();
    harness.openaiUpstream.setBehavior({ kind: 'echo' });

    // Assess: refused up front when the fallback's most could exceed the budget; else served by it, within it.
    expect(response.status).toBe(served ? 200 : 400);
    if (served) expect(response.headers.get('x-router-model')).toBe('claude-fake');
    const window = await harness.router.runtime.limits.read(`key#${id}`, monthWindow(new Date()));
    expect(microsToUsd(window.spendMicros)).toBeLessThanOrEqual(budget);
  },
);
