import { describe, expect, test } from 'vitest';
import { adminUsage, tenantUsage } from '#functions/router/handlers/usage.ts';
import { newRequestState, type Principal } from '#functions/router/http/request-state.ts';
import type { HandlerContext } from '#functions/router/route-spec.ts';
import type { RouterRuntime } from '#functions/router/runtime.ts';
import { RouterError } from '#shared/errors.ts';
import type { KeyRecord } from '#shared/keys/key-record.ts';
import type { UsageRow, UsageStore } from '#shared/metering/usage-store.ts';

// The usage report on its own: query validation, date defaults from the request time, grouping
// and totals, with a scripted usage store (our interface). See test/integration/events/ for HTTP.

const key: KeyRecord = {
  id: 'key_1',
  tenant: 'acme',
  name: 'default',
  status: 'active',
  hint: 'sk-ir-xxxx...xxxx',
  createdAt: '2025-01-01T00:00:00.000Z',
};

const row = (overrides: Partial<UsageRow>): UsageRow => ({
  day: '2026-03-01',
  keyId: 'key_1',
  model: 'mock-small',
  requests: 1,
  errors: 0,
  promptTokens: 10,
  completionTokens: 5,
  cachedTokens: 0,
  costMicros: 100,
  premiumCostMicros: 1_000,
  ...overrides,
});

const ROWS: UsageRow[] = [
  row({
    day: '2026-03-01',
    keyId: 'key_1',
    model: 'mock-small',
    requests: 3,
    errors: 1,
    costMicros: 1_500,
    premiumCostMicros: 9_000,
  }),
  row({ day: '2026-03-01', keyId: 'key_2', model: 'mock-large', requests: 1, costMicros: 40_000, premiumCostMicros: 40_000 }),
  row({ day: '2026-03-02', keyId: 'key_1', model: 'mock-large', requests: 2, costMicros: 7, premiumCostMicros: 7 }),
];

const run = async (
  handler: typeof tenantUsage,
  query: Record<string, string | undefined>,
  options: { principal?: Principal; receivedAt?: Date; rows?: UsageRow[] } = {},
) => {
  const queries: Array<[string, string, string]> = [];
  const usage: UsageStore = {
    meter: async () => 'metered',
    query: async (tenant, from, to) => {
      queries.push([tenant, from, to]);
      return options.rows ?? ROWS;
    },
  };
  const state = newRequestState(
    { method: 'GET', path: '/v1/usage', headers: {}, query, body: undefined },
    'req-1',
    options.receivedAt ?? new Date('2026-03-14T23:30:00.000Z'),
  );
  state.principal = options.principal ?? { kind: 'key', key };
  const context: HandlerContext = {
    state,
    runtime: { usage } as Pick<RouterRuntime, 'usage'> as RouterRuntime,
    signal: new AbortController().signal,
  };
  const response = await handler(context);
  return { response, body: JSON.parse(String(response.body)) as Record<string, unknown>, queries };
};

const errorOf = async (act: () => Promise<unknown>): Promise<RouterError> => {
  try {
    await act();
  } catch (error) {
    expect(error).toBeInstanceOf(RouterError);
    return error as RouterError;
  }
  throw new Error('expected a RouterError, but nothing was thrown');
};

describe('usage report: dates', () => {
  test.each([
    { name: 'mid-month', receivedAt: '2026-03-14T23:30:00.000Z', from: '2026-03-01', to: '2026-03-14' },
    { name: 'the first of the month', receivedAt: '2026-03-01T00:00:00.000Z', from: '2026-03-01', to: '2026-03-01' },
    { name: 'New Year’s Eve', receivedAt: '2025-12-31T23:59:59.999Z', from: '2025-12-01', to: '2025-12-31' },
  ])('defaults to the month to date in UTC ($name)', async ({ receivedAt, from, to }) => {
    // Act
    const { body, queries } = await run(tenantUsage, {}, { receivedAt: new Date(receivedAt) });

    // Assess
    expect(queries).toEqual([['acme', from, to]]);
    expect(body).toMatchObject({ object: 'usage', tenant: 'acme', from, to, group_by: 'day' });
  });

  test('from alone runs to today; to alone runs from the first of the month', async () => {
    expect((await run(tenantUsage, { from: '2026-02-10' })).queries).toEqual([['acme', '2026-02-10', '2026-03-14']]);
    expect((await run(tenantUsage, { to: '2026-03-05' })).queries).toEqual([['acme', '2026-03-01', '2026-03-05']]);
  });

  test.each([
    { name: '366 days (a leap year) is allowed', from: '2024-01-01', to: '2024-12-31' },
    { name: 'a single day is allowed', from: '2026-03-02', to: '2026-03-02' },
    { name: '366 days across a leap day is allowed', from: '2023-03-01', to: '2024-02-29' },
  ])('$name', async ({ from, to }) => {
    expect((await run(tenantUsage, { from, to })).queries).toEqual([['acme', from, to]]);
  });

  test.each([
    {
      name: 'from after to',
      query: { from: '2026-03-02', to: '2026-03-01' },
      param: 'from',
      message: 'from (2026-03-02) is after to (2026-03-01).',
    },
    {
      name: 'from after the default to',
      query: { from: '2026-03-15' },
      param: 'from',
      message: 'from (2026-03-15) is after to (2026-03-14).',
    },
    {
      name: '367 days',
      query: { from: '2024-01-01', to: '2025-01-01' },
      param: 'to',
      message: 'The range is over 366 days; ask for less.',
    },
    {
      name: 'years',
      query: { from: '2000-01-01', to: '2026-01-01' },
      param: 'to',
      message: 'The range is over 366 days; ask for less.',
    },
  ])('$name is refused, naming the parameter', async ({ query, param, message }) => {
    // Act
    const error = await errorOf(() => run(tenantUsage, query));

    // Assess
    expect({ status: error.statusCode, param: error.param, message: error.message }).toEqual({ status: 400, param, message });
  });

  test.each([
    { param: 'from', query: { from: '14/03/2026' } },
    { param: 'from', query: { from: '2026-3-1' } },
    { param: 'to', query: { to: '2026-03-01T00:00:00Z' } },
    { param: 'to', query: { to: '' } },
    { param: 'group_by', query: { group_by: 'tenant' } },
  ])('a malformed $param is refused, naming it', async ({ param, query }) => {
    // Act
    const error = await errorOf(() => run(tenantUsage, query));

    // Assess
    expect(error.statusCode).toBe(400);
    expect(error.param).toBe(param);
    expect(error.message).toContain(`${param}: `);
  });

  test('an unknown parameter is refused', async () => {
    const error = await errorOf(() => run(tenantUsage, { form: '2026-03-01' }));
    expect(error.statusCode).toBe(400);
    expect(error.message).toContain('form');
  });

  // Regression: dates are checked by shape only (usage.ts:8, /^\d{4}-\d{2}-\d{2}$/). A month 13 or 00 passes;
  // `Date.parse` gives NaN, so the range check (usage.ts:55, `NaN >= 366` is false) lets it through and
  // the report answers 200 for a meaningless range instead of 400 naming the parameter.
  // (V8 also reads 2026-02-30 as March 2, so day overflow passes as well.)
  test.each([
    { param: 'to', query: { from: '2026-01-01', to: '2026-13-01' } },
    { param: 'from', query: { from: '2026-00-10', to: '2026-03-01' } },
    { param: 'to', query: { from: '2026-02-01', to: '2026-02-30' } },
  ])('an impossible date in $param is refused, naming it', async ({ param, query }) => {
    const error = await errorOf(() => run(tenantUsage, query));
    expect({ status: error.statusCode, param: error.param }).toEqual({ status: 400, param });
  });
});

describe('usage report: grouping and totals', () => {
  test('group_by=day (the default) sums each day, sorted, with totals', async () => {
    // Act
    const { body } = await run(tenantUsage, { from: '2026-03-01', to: '2026-03-02' });

    // Assess
    expect(body).toEqual({
      object: 'usage',
      tenant: 'acme',
      from: '2026-03-01',
      to: '2026-03-02',
      group_by: 'day',
      data: [
        {
          day: '2026-03-01',
          requests: 4,
          errors: 1,
          prompt_tokens: 20,
          completion_tokens: 10,
          cached_tokens: 0,
          cost_usd: 0.0415,
          premium_cost_usd: 0.049,
          savings_usd: 0.0075,
        },
        {
          day: '2026-03-02',
          requests: 2,
          errors: 0,
          prompt_tokens: 10,
          completion_tokens: 5,
          cached_tokens: 0,
          cost_usd: 0.000007,
          premium_cost_usd: 0.000007,
          savings_usd: 0,
        },
      ],
      total: {
        requests: 6,
        errors: 1,
        prompt_tokens: 30,
        completion_tokens: 15,
        cached_tokens: 0,
        cost_usd: 0.041507,
        premium_cost_usd: 0.049007,
        savings_usd: 0.0075,
      },
    });
  });

  test.each([
    {
      groupBy: 'model',
      groups: [
        ['mock-large', 3],
        ['mock-small', 3],
      ],
    },
    {
      groupBy: 'key',
      groups: [
        ['key_1', 5],
        ['key_2', 1],
      ],
    },
    { groupBy: 'none', groups: [['all', 6]] },
  ])('group_by=$groupBy', async ({ groupBy, groups }) => {
    // Act
    const { body } = await run(tenantUsage, { group_by: groupBy });

    // Assess
    const data = body.data as Array<Record<string, unknown>>;
    expect(data.map((group) => [group[groupBy], group.requests])).toEqual(groups);
    expect(body.total).toMatchObject({ requests: 6, errors: 1 });
  });

  test('no usage: no groups and zero totals', async () => {
    const { body } = await run(tenantUsage, { group_by: 'none' }, { rows: [] });
    expect(body.data).toEqual([]);
    expect(body.total).toEqual({
      requests: 0,
      errors: 0,
      prompt_tokens: 0,
      completion_tokens: 0,
      cached_tokens: 0,
      cost_usd: 0,
      premium_cost_usd: 0,
      savings_usd: 0,
    });
  });

  test('savings are what the premium model would have cost minus the cost, never negative', async () => {
    // Prepare: one group saved, one cost more than the premium model (e.g. a pricier fallback).
    const rows = [
      row({ keyId: 'key_1', costMicros: 250_000, premiumCostMicros: 1_750_000 }),
      row({ keyId: 'key_2', costMicros: 2_000_000, premiumCostMicros: 1_500_000 }),
    ];

    // Act
    const { body } = await run(tenantUsage, { group_by: 'key' }, { rows });

    // Assess
    expect(body.data).toMatchObject([
      { key: 'key_1', cost_usd: 0.25, premium_cost_usd: 1.75, savings_usd: 1.5 },
      { key: 'key_2', cost_usd: 2, premium_cost_usd: 1.5, savings_usd: 0 },
    ]);
    expect(body.total).toMatchObject({ cost_usd: 2.25, premium_cost_usd: 3.25, savings_usd: 1 });
  });
});

describe('usage report: whose usage', () => {
  test('a key sees its own tenant; asking for another is refused, not ignored', async () => {
    const error = await errorOf(() => run(tenantUsage, { tenant: 'globex' }));
    expect({ status: error.statusCode, param: error.param }).toEqual({ status: 400, param: 'tenant' });
  });

  test('the admin report needs a tenant and reports that one', async () => {
    const admin: Principal = { kind: 'admin' };
    const missing = await errorOf(() => run(adminUsage, {}, { principal: admin }));
    expect({ status: missing.statusCode, param: missing.param, message: missing.message }).toEqual({
      status: 400,
      param: 'tenant',
      message: 'tenant is required.',
    });
    const { body, queries } = await run(adminUsage, { tenant: 'globex', group_by: 'none' }, { principal: admin });
    expect(queries).toEqual([['globex', '2026-03-01', '2026-03-14']]);
    expect(body.tenant).toBe('globex');
  });

  test('the tenant report needs a client key', async () => {
    const error = await errorOf(() => run(tenantUsage, {}, { principal: { kind: 'admin' } }));
    expect({ status: error.statusCode, message: error.message }).toEqual({
      status: 400,
      message: 'This endpoint needs a client key.',
    });
  });
});
