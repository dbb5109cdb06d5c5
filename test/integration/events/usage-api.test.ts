import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { OpenAIErrorBody } from '#shared/errors.ts';
import type { UsageEventDetail } from '#shared/events/usage-event.ts';
import { ADMIN_KEY, type Harness, startHarness } from '#test/integration/harness.ts';
import { failedDetail, usageDetail } from '#test/unit/shared/events/usage-detail.ts';

// GET /v1/usage and /admin/usage through the real router (authentication, routing, error mapping)
// over usage metered into the embedded DynamoDB by the real usage store.

interface UsageTotals {
  requests: number;
  errors: number;
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens: number;
  cost_usd: number;
  premium_cost_usd: number;
  savings_usd: number;
}
interface UsageReport {
  object: 'usage';
  tenant: string;
  from: string;
  to: string;
  group_by: string;
  data: Array<UsageTotals & Record<string, unknown>>;
  total: UsageTotals;
}

const TENANT = 'usage-api';
const DAY_MS = 86_400_000;

let harness: Harness;
let key: string;
let keyId: string;
let sequence = 0;

const utcDay = (time: number): string => new Date(time).toISOString().slice(0, 10);
const meter = (overrides: Partial<UsageEventDetail> & { day: string }, failed = false): Promise<unknown> => {
  const { day, ...detail } = overrides;
  const build = failed ? failedDetail : usageDetail;
  return harness.router.runtime.usage.meter(
    build({ tenant: TENANT, keyId, ...detail, requestId: `usage-api-${++sequence}`, timestamp: `${day}T10:00:00.000Z` }),
  );
};

beforeAll(async () => {
  harness = await startHarness();
  ({ key, id: keyId } = await harness.createKey({ tenant: TENANT }));
  // March 2026: two keys, two models, one failure.
  await meter({ day: '2026-03-01', servedModel: 'mock-small', costMicros: 1_000, premiumCostMicros: 30_000 });
  await meter({ day: '2026-03-01', servedModel: 'mock-small', costMicros: 2_000, premiumCostMicros: 60_000 });
  await meter({ day: '2026-03-01', servedModel: 'mock-large', costMicros: 50_000, premiumCostMicros: 50_000 });
  await meter({ day: '2026-03-02', keyId: 'key_other', servedModel: 'mock-small', costMicros: 500, premiumCostMicros: 9_500 });
  await meter({ day: '2026-03-02', requestedModel: 'auto' }, true);
  await meter({ day: '2026-03-03', servedModel: 'mock-small', costMicros: 7, premiumCostMicros: 100 });
  // Another tenant on the same days must not show.
  await harness.router.runtime.usage.meter(
    usageDetail({ tenant: 'someone-else', requestId: 'usage-api-other', timestamp: '2026-03-02T10:00:00.000Z' }),
  );
});
afterAll(async () => harness.close());

const getUsage = async (query: string, apiKey = key) => {
  const response = await harness.fetch(`/v1/usage${query}`, { key: apiKey });
  return { status: response.status, body: (await response.json()) as UsageReport & OpenAIErrorBody };
};

describe('GET /v1/usage: parameters', () => {
  test.each([
    { name: 'a date not as YYYY-MM-DD', query: '?from=2026-3-1&to=2026-03-03', param: 'from' },
    { name: 'a date-time', query: '?from=2026-03-01&to=2026-03-03T00:00:00Z', param: 'to' },
    { name: 'an empty date', query: '?to=', param: 'to' },
    { name: 'an unknown grouping', query: '?group_by=week', param: 'group_by' },
    { name: 'from after to', query: '?from=2026-03-03&to=2026-03-01', param: 'from' },
    { name: 'a range over 366 days', query: '?from=2025-01-01&to=2026-01-02', param: 'to' },
    { name: 'another tenant', query: '?tenant=someone-else', param: 'tenant' },
  ])('$name is a 400 naming $param', async ({ query, param }) => {
    // Act
    const { status, body } = await getUsage(query);

    // Assess
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ type: 'invalid_request_error', param });
  });

  test('the error messages say what is wrong', async () => {
    expect((await getUsage('?from=2026-03-03&to=2026-03-01')).body.error.message).toBe(
      'from (2026-03-03) is after to (2026-03-01).',
    );
    expect((await getUsage('?from=2025-01-01&to=2026-01-02')).body.error.message).toBe(
      'The range is over 366 days; ask for less.',
    );
    expect((await getUsage('?from=03/01/2026')).body.error.message).toContain('from: a date as YYYY-MM-DD');
  });

  test('366 days inclusive is the longest range', async () => {
    const { status, body } = await getUsage('?from=2025-03-04&to=2026-03-04&group_by=none');
    expect(status).toBe(200);
    expect(body.total.requests).toBe(6);
  });

  test('without dates: the month to date (UTC)', async () => {
    // Prepare: usage today and on the last day of last month.
    const now = Date.now();
    const today = utcDay(now);
    const firstOfMonth = `${today.slice(0, 7)}-01`;
    const lastMonth = utcDay(Date.parse(`${firstOfMonth}T00:00:00.000Z`) - DAY_MS);
    await meter({ day: today, costMicros: 11, premiumCostMicros: 22 });
    await meter({ day: lastMonth, costMicros: 1_000_000, premiumCostMicros: 1_000_000 });

    // Act
    const { status, body } = await getUsage('?group_by=none');

    // Assess
    expect(status).toBe(200);
    expect({ from: body.from, to: body.to, group_by: body.group_by }).toEqual({
      from: firstOfMonth,
      to: today,
      group_by: 'none',
    });
    expect(body.data).toEqual([expect.objectContaining({ none: 'all', requests: 1, cost_usd: 0.000011 })]);
  });
});

describe('GET /v1/usage: report', () => {
  const march = '?from=2026-03-01&to=2026-03-03';

  test('group_by=none: one group, equal to the total; savings are premium minus cost', async () => {
    // Act
    const { status, body } = await getUsage(`${march}&group_by=none`);

    // Assess
    const total: UsageTotals = {
      requests: 6,
      errors: 1,
      prompt_tokens: 5 * 120,
      completion_tokens: 5 * 30,
      cached_tokens: 5 * 20,
      cost_usd: 0.053507,
      premium_cost_usd: 0.1496,
      savings_usd: 0.096093,
    };
    expect(status).toBe(200);
    expect(body).toEqual({
      object: 'usage',
      tenant: TENANT,
      from: '2026-03-01',
      to: '2026-03-03',
      group_by: 'none',
      data: [{ none: 'all', ...total }],
      total,
    });
  });

  test('group_by=day (the default): one group per day, in order', async () => {
    // Act
    const { body } = await getUsage(march);

    // Assess
    expect(body.group_by).toBe('day');
    expect(body.data.map((group) => [group.day, group.requests, group.errors, group.cost_usd, group.savings_usd])).toEqual([
      ['2026-03-01', 3, 0, 0.053, 0.087],
      ['2026-03-02', 2, 1, 0.0005, 0.009],
      ['2026-03-03', 1, 0, 0.000007, 0.000093],
    ]);
  });

  test('group_by=key: one group per key of the tenant', async () => {
    // Act
    const { body } = await getUsage(`${march}&group_by=key`);

    // Assess
    expect(body.data.map((group) => [group.key, group.requests, group.cost_usd])).toEqual(
      [
        [keyId, 5, 0.053007],
        ['key_other', 1, 0.0005],
      ].sort(([a], [b]) => String(a).localeCompare(String(b))),
    );
  });

  test('group_by=model: a failed request counts under the model it asked for', async () => {
    // Act
    const { body } = await getUsage(`${march}&group_by=model`);

    // Assess
    expect(body.data.map((group) => [group.model, group.requests, group.errors])).toEqual([
      ['auto', 1, 1],
      ['mock-large', 1, 0],
      ['mock-small', 4, 0],
    ]);
  });

  test('a range with no usage: no groups, zero totals', async () => {
    const { status, body } = await getUsage('?from=2020-01-01&to=2020-01-31');
    expect(status).toBe(200);
    expect(body.data).toEqual([]);
    expect(body.total.requests).toBe(0);
  });

  test('the admin report shows any tenant, and needs one', async () => {
    // Act
    const report = await harness.fetch(`/admin/usage${march}&group_by=none&tenant=${TENANT}`, { key: ADMIN_KEY });
    const missing = await harness.fetch(`/admin/usage${march}`, { key: ADMIN_KEY });
    const asClient = await harness.fetch(`/admin/usage${march}&tenant=${TENANT}`, { key });

    // Assess
    expect(report.status).toBe(200);
    expect(((await report.json()) as UsageReport).total.requests).toBe(6);
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as OpenAIErrorBody).error.param).toBe('tenant');
    expect(asClient.status).toBe(401);
    expect(((await asClient.json()) as OpenAIErrorBody).error.code).toBe('invalid_admin_key');
  });
});
