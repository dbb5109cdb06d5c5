import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createDynamoClient } from '#local/dynamo-client.ts';
import { type EmbeddedDynamo, ensureTables, startEmbeddedDynamo } from '#local/embedded-dynamodb.ts';
import { admit, reconcile } from '#shared/limits/admission.ts';
import { createLimitsStore, type LimitsStore } from '#shared/limits/limits-store.ts';
import type { EffectiveLimits } from '#shared/limits/resolve-limits.ts';
import { minuteWindow, monthWindow } from '#shared/limits/windows.ts';
import { createDynamoApi } from '#shared/store/dynamo-api.ts';
import { limitsTable } from '#shared/store/tables.ts';

// Admission against the embedded DynamoDB with an explicit clock: window and month roll-over,
// compensation when a later window refuses, and reconciliation in both directions.

let dynamo: EmbeddedDynamo;
let store: LimitsStore;
let client: ReturnType<typeof createDynamoClient>;

beforeAll(async () => {
  dynamo = await startEmbeddedDynamo();
  client = createDynamoClient({ endpoint: dynamo.endpoint });
  await ensureTables(client, [limitsTable], () => 'limits');
  store = createLimitsStore(createDynamoApi({ endpoint: dynamo.endpoint }), 'limits');
});
afterAll(async () => {
  client.destroy();
  await dynamo.close();
});

let serial = 0;
const caller = () => ({ keyId: `key_${++serial}`, tenant: `tenant_${serial}` });
const limits = (key: EffectiveLimits['key'], tenant: EffectiveLimits['tenant'] = {}): EffectiveLimits => ({
  plan: undefined,
  key,
  tenant,
  downgradeAt: undefined,
});
/** The same amounts in the per-minute and the monthly windows. */
const reserve = (tokens: number, spendMicros: number) => ({ tokens, spendMicros, monthly: { tokens, spendMicros } });
const small = reserve(10, 5);
const at = (iso: string) => Date.parse(iso);

describe('windows', () => {
  test('a new minute is a new window: the limit applies again without any reset', async () => {
    // Prepare
    const who = caller();
    const rules = limits({ rpm: 2 });

    // Act
    await admit(store, rules, who, small, at('2026-11-24T22:30:10Z'));
    await admit(store, rules, who, small, at('2026-11-24T22:30:59.999Z'));
    const third = await admit(store, rules, who, small, at('2026-11-24T22:30:59.999Z')).catch((error: unknown) => error);
    const nextMinute = await admit(store, rules, who, small, at('2026-11-24T22:31:00Z'));

    // Assess
    expect(third).toMatchObject({
      statusCode: 429,
      code: 'rate_limit_exceeded',
      headers: { 'retry-after': '1', 'x-ratelimit-remaining-requests': '0' },
    });
    expect(nextMinute.headers).toMatchObject({ 'x-ratelimit-remaining-requests': '1', 'x-ratelimit-reset-requests': '1m0s' });
  });

  test('a new month is a new quota', async () => {
    // Prepare
    const who = caller();
    const rules = limits({ monthlyTokens: 100 });
    await admit(store, rules, who, reserve(100, 0), at('2026-11-30T23:59:00Z'));

    // Act
    const refused = await admit(store, rules, who, small, at('2026-11-30T23:59:59Z')).catch((error: unknown) => error);
    const december = await admit(store, rules, who, small, at('2026-12-01T00:00:00Z'));

    // Assess
    expect(refused).toMatchObject({
      statusCode: 429,
      type: 'insufficient_quota',
      message: expect.stringMatching(/resets at 2026-12-01T00:00:00.000Z/),
    });
    expect(december.windows.map((window) => window.window.id)).toEqual(['month#2026-12']);
  });

  test('a refusal by the tenant gives back what the key window already took', async () => {
    // Prepare: the tenant allows one request a minute, the key many.
    const who = caller();
    const rules = limits({ rpm: 100 }, { rpm: 1 });
    const now = at('2026-11-24T10:00:00Z');
    await admit(store, rules, who, small, now);

    // Act
    const refused = await admit(store, rules, who, small, now).catch((error: unknown) => error);

    // Assess
    expect(refused).toMatchObject({
      statusCode: 429,
      message: expect.stringMatching(/tenant tenant_\d+: 1 requests per minute/),
    });
    expect(await store.read(`key#${who.keyId}`, minuteWindow(new Date(now)))).toEqual({
      requests: 1,
      tokens: 10,
      spendMicros: 0,
    });
  });

  test('a request bigger than the whole limit is refused (400) without writing anything', async () => {
    const who = caller();
    const now = at('2026-11-24T10:00:00Z');
    await expect(admit(store, limits({ tpm: 50 }), who, reserve(51, 0), now)).rejects.toMatchObject({
      statusCode: 400,
      code: 'request_exceeds_limit',
    });
    expect(await store.read(`key#${who.keyId}`, minuteWindow(new Date(now)))).toEqual({ requests: 0, tokens: 0, spendMicros: 0 });
  });
});

describe('reconciliation', () => {
  test.each([
    { name: 'used less than reserved', actual: { tokens: 40, spendMicros: 300 } },
    { name: 'used more than reserved', actual: { tokens: 1_500, spendMicros: 9_000 } },
    { name: 'failed: nothing used', actual: { tokens: 0, spendMicros: 0 } },
  ])('$name: the windows end with the real usage and the request still counted', async ({ actual }) => {
    // Prepare
    const who = caller();
    const now = at('2026-11-24T12:00:00Z');
    const admission = await admit(store, limits({ tpm: 10_000, monthlyBudgetUsd: 1 }), who, reserve(1_000, 4_000), now);

    // Act
    await reconcile(store, admission, actual);

    // Assess
    expect(await store.read(`key#${who.keyId}`, minuteWindow(new Date(now)))).toEqual({
      requests: 1,
      tokens: actual.tokens,
      spendMicros: 0,
    });
    expect(await store.read(`key#${who.keyId}`, monthWindow(new Date(now)))).toEqual({ requests: 1, ...actual });
  });
});
