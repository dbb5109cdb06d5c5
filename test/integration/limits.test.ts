import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { minuteWindow, monthWindow } from '#shared/limits/windows.ts';
import { ADMIN_KEY, type Harness, startHarness } from './harness.ts';

// Rate limits and quotas through the real HTTP server and the embedded DynamoDB: exact under
// concurrency, shared by a tenant's keys, reconciled with real usage, downgraded near budget.

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness({
    server: { keyCacheTtlSeconds: 0 },
    configure: (config) => {
      config.defaults = { limits: { rpm: 10_000, tpm: 100_000_000 } };
      config.plans = { thrifty: { limits: { monthlyBudgetUsd: 0.004 }, downgradeAt: 0.5 } };
      config.tenants = { shared: { limits: { rpm: 3 } } };
      config.models.push({ id: 'mock-slow', provider: 'mock', tier: 'simple', mock: { latencyMs: 300 } });
    },
  });
});
afterAll(async () => harness.close());

/** Waits out the last seconds of a minute, so a burst is not split across two windows. */
const awayFromMinuteEdge = async (): Promise<void> => {
  const intoMinute = Date.now() % 60_000;
  if (intoMinute > 55_000) await new Promise((resolve) => setTimeout(resolve, 60_000 - intoMinute + 50));
};

const chat = (key: string, body: Record<string, unknown> = {}) =>
  harness.fetch('/v1/chat/completions', {
    method: 'POST',
    key,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'mock-small', messages: [{ role: 'user', content: 'hi' }], ...body }),
  });

describe('requests per minute', () => {
  test('60 concurrent requests against rpm 20: exactly 20 are admitted, the rest get 429 with the limit headers', async () => {
    // Prepare
    const { key } = await harness.createKey({ limits: { rpm: 20 } });
    await awayFromMinuteEdge();

    // Act
    const responses = await Promise.all(Array.from({ length: 60 }, () => chat(key)));
    const bodies = await Promise.all(responses.map((response) => response.json() as Promise<Record<string, unknown>>));

    // Assess
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(20);
    expect(statuses.filter((status) => status === 429)).toHaveLength(40);
    const refused = responses.findIndex((response) => response.status === 429);
    const headers = responses[refused]?.headers;
    expect(headers?.get('x-ratelimit-limit-requests')).toBe('20');
    expect(headers?.get('x-ratelimit-remaining-requests')).toBe('0');
    expect(headers?.get('x-ratelimit-reset-requests')).toMatch(/^(\d+s|1m0s)$/);
    expect(Number(headers?.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(headers?.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(bodies[refused]).toMatchObject({
      error: { type: 'rate_limit_error', code: 'rate_limit_exceeded', message: expect.stringMatching(/20 requests per minute/) },
    });
  });

  test('refused requests count too: an unknown model is a 404 until the minute is used up, then a 429', async () => {
    // Prepare
    const { key } = await harness.createKey({ limits: { rpm: 5 } });
    await awayFromMinuteEdge();

    // Act
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      const response = await chat(key, { model: 'no-such-model' });
      statuses.push(response.status);
      await response.text();
    }
    const valid = await chat(key);

    // Assess
    expect(statuses).toEqual([404, 404, 404, 404, 404, 429, 429]);
    expect(valid.status).toBe(429);
    expect(await valid.json()).toMatchObject({ error: { code: 'rate_limit_exceeded' } });
  });

  test('a model name longer than 256 characters is a 400 that does not echo it', async () => {
    // Prepare
    const { key } = await harness.createKey();
    const name = 'x'.repeat(5_000);

    // Act
    const response = await chat(key, { model: name });
    const text = await response.text();

    // Assess
    expect(response.status).toBe(400);
    expect(JSON.parse(text)).toMatchObject({ error: { param: 'model' } });
    expect(text).not.toContain('x'.repeat(300));
  });

  test('every admitted response carries the remaining budget, counting down', async () => {
    // Prepare
    const { key } = await harness.createKey({ limits: { rpm: 5, tpm: 50_000 } });
    await awayFromMinuteEdge();

    // Act
    const first = await chat(key);
    const second = await chat(key);

    // Assess
    expect(first.headers.get('x-ratelimit-limit-requests')).toBe('5');
    expect(first.headers.get('x-ratelimit-remaining-requests')).toBe('4');
    expect(second.headers.get('x-ratelimit-remaining-requests')).toBe('3');
    expect(first.headers.get('x-ratelimit-limit-tokens')).toBe('50000');
    expect(Number(second.headers.get('x-ratelimit-remaining-tokens'))).toBeLessThan(50_000);
  });

  test("a tenant's limit is shared by all its keys", async () => {
    // Prepare
    const one = (await harness.createKey({ tenant: 'shared' })).key;
    const two = (await harness.createKey({ tenant: 'shared' })).key;
    await awayFromMinuteEdge();

    // Act
    const statuses = [];
    for (const key of [one, two, one, two]) statuses.push((await chat(key)).status);
    const refused = await chat(one);

    // Assess
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({
      error: { message: expect.stringMatching(/tenant shared: 3 requests per minute/) },
    });
  });
});

describe('tokens', () => {
  test('a request larger than the whole tokens-per-minute limit is a 400 that says what to lower, not "retry later"', async () => {
    const { key } = await harness.createKey({ limits: { tpm: 500 } });
    const response = await chat(key, { max_tokens: 1_000 });
    expect(response.status).toBe(400);
    expect(response.headers.get('retry-after')).toBeNull();
    expect(await response.json()).toMatchObject({
      error: {
        code: 'request_exceeds_limit',
        param: 'max_tokens',
        message: expect.stringMatching(/per-minute token limit of key key_\w+ is 500\. Lower max_tokens/),
      },
    });
  });

  test('n choices reserve n times max_tokens', async () => {
    const { key } = await harness.createKey({ limits: { tpm: 2_500 } });
    expect((await chat(key, { max_tokens: 1_000 })).status).toBe(200);
    const response = await chat(key, { max_tokens: 1_000, n: 3 });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 'request_exceeds_limit' } });
  });

  test('a tokens-per-minute limit that is used up refuses with the numbers and retry-after', async () => {
    // Prepare: a slow request holds its reservation (prompt + 1,000) while the second one arrives.
    const { key } = await harness.createKey({ limits: { tpm: 1_500 } });
    await awayFromMinuteEdge();
    const slow = chat(key, { model: 'mock-slow', max_tokens: 1_000 });
    await new Promise((resolve) => setTimeout(resolve, 100));

    // Act
    const refused = await chat(key, { max_tokens: 1_000 });

    // Assess
    expect((await slow).status).toBe(200);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).not.toBeNull();
    expect(await refused.json()).toMatchObject({
      error: {
        code: 'rate_limit_exceeded',
        message: expect.stringMatching(/1500 tokens per minute; \d+ used, this request needs about 10\d\d/),
      },
    });
  });

  test("a stream's reservation is reconciled with its real usage after the last byte", async () => {
    // Prepare
    const { id, key } = await harness.createKey({ limits: { tpm: 100_000 } });
    await awayFromMinuteEdge();
    const window = minuteWindow(new Date());

    // Act
    const response = await chat(key, { stream: true, stream_options: { include_usage: true } });
    const text = await response.text();

    // Assess: the window ends up holding exactly what the stream reported, not the reservation.
    const usage = JSON.parse(
      text
        .split('\n\n')
        .filter((frame) => frame.includes('"usage"'))
        .at(-1)
        ?.slice(6) ?? '{}',
    ).usage as { total_tokens: number };
    expect(usage.total_tokens).toBeGreaterThan(0);
    await vi.waitFor(async () => {
      expect(await harness.router.runtime.limits.read(`key#${id}`, window)).toEqual({
        requests: 1,
        tokens: usage.total_tokens,
        spendMicros: 0,
      });
    });
  });

  test('a monthly token quota refuses with insufficient_quota once used up', async () => {
    // Prepare
    const { key } = await harness.createKey({ limits: { monthlyTokens: 120 } });

    // Act
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 6 && statuses.at(-1) !== 429; i++) {
      last = await chat(key, { max_tokens: 20 });
      statuses.push(last.status);
    }

    // Assess
    expect(statuses.at(-1)).toBe(429);
    expect(statuses.slice(0, -1).every((status) => status === 200)).toBe(true);
    expect(await last?.json()).toMatchObject({
      error: {
        type: 'insufficient_quota',
        code: 'insufficient_quota',
        message: expect.stringMatching(/Monthly token quota of 120/),
      },
    });
  });
});

describe('budget', () => {
  test('near its monthly budget a plan downgrades auto to the cheapest model instead of refusing', async () => {
    // Prepare
    const { key } = await harness.createKey({ plan: 'thrifty' });
    const hard =
      'Prove there are infinitely many primes p ≡ 3 mod 4, derive the algorithm and analyze its complexity and trade-offs.';

    // Act
    const served: string[] = [];
    for (let i = 0; i < 6; i++) {
      const response = await chat(key, { model: 'auto', max_tokens: 40, messages: [{ role: 'user', content: hard }] });
      served.push(`${response.status} ${response.headers.get('x-router-model')} ${response.headers.get('x-router-reason')}`);
      await response.text();
    }

    // Assess: premium while the budget allows, then the cheapest model, never a refusal.
    expect(served[0]).toMatch(/^200 mock-large alias auto: complexity/);
    expect(served.at(-1)).toMatch(/^200 mock-small alias auto: budget \d+% used -> cheapest$/);
  });

  test('without a downgrade, the monthly budget refuses with insufficient_quota', async () => {
    // Prepare: each request reserves about $0.0006 on mock-large.
    const { key } = await harness.createKey({ limits: { monthlyBudgetUsd: 0.002 } });

    // Act
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 10 && statuses.at(-1) !== 429; i++) {
      last = await chat(key, { model: 'mock-large', max_tokens: 40 });
      statuses.push(last.status);
    }

    // Assess
    expect(statuses.at(-1)).toBe(429);
    expect(statuses.length).toBeGreaterThan(2);
    expect(await last?.json()).toMatchObject({
      error: { type: 'insufficient_quota', message: expect.stringMatching(/^Monthly budget of \$0.002 reached for key key_/) },
    });
  });
});

describe('upstream usage', () => {
  test('max_tokens and max_completion_tokens together: one cap reaches the upstream, and it is what was reserved', async () => {
    // Prepare
    const { key } = await harness.createKey({ limits: { tpm: 4_100 } });

    // Act
    const response = await chat(key, { model: 'gpt-fake', max_tokens: 100_000, max_completion_tokens: 4_000 });
    await response.text();

    // Assess: admitted under a 4,100 tpm (4,000 reserved, not 100,000), and only the smaller cap forwarded.
    expect(response.status).toBe(200);
    const sent = harness.openaiUpstream.requests.at(-1)?.body;
    expect(sent).toMatchObject({ max_completion_tokens: 4_000 });
    expect(sent).not.toHaveProperty('max_tokens');
  });

  test('a negative prompt count from the upstream is never credited to the budget', async () => {
    // Prepare
    const { key, id } = await harness.createKey({ limits: { monthlyBudgetUsd: 5 } });
    harness.openaiUpstream.enqueue({ kind: 'reply', text: 'ok', usage: { prompt_tokens: -1_000_000, completion_tokens: 5 } });

    // Act
    const response = await chat(key, { model: 'gpt-fake' });
    const body = (await response.json()) as { usage: { prompt_tokens: number } };
    await harness.router.idle();

    // Assess
    expect(response.status).toBe(200);
    expect(body.usage.prompt_tokens).toBeGreaterThan(0);
    const window = await harness.router.runtime.limits.read(`key#${id}`, monthWindow(new Date()));
    expect(window.spendMicros).toBeGreaterThan(0);
  });
});

describe('admin changes', () => {
  test('PATCH /admin/keys/{id} changes limits, effective on the next request', async () => {
    // Prepare
    const { id, key } = await harness.createKey({ limits: { rpm: 1 } });
    await awayFromMinuteEdge();
    expect((await chat(key)).status).toBe(200);
    expect((await chat(key)).status).toBe(429);

    // Act
    const patched = await harness.fetch(`/admin/keys/${id}`, {
      method: 'PATCH',
      key: ADMIN_KEY,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ limits: { rpm: 10 }, metadata: { team: 'search' } }),
    });

    // Assess
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({ id, limits: { rpm: 10 }, metadata: { team: 'search' } });
    expect((await chat(key)).status).toBe(200);
  });

  test('a key cannot name a plan or a model the config does not define', async () => {
    const response = await harness.fetch('/admin/keys', {
      method: 'POST',
      key: ADMIN_KEY,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tenant: 'acme', plan: 'platinum' }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: { param: 'plan', message: "Unknown plan 'platinum'. Plans: thrifty." },
    });
  });
});
