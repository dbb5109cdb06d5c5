import { BatchWriteItemCommand, type DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createDynamoClient } from '#local/dynamo-client.ts';
import { type EmbeddedDynamo, ensureTables, startEmbeddedDynamo } from '#local/embedded-dynamodb.ts';
import {
  createUsageStore,
  DEDUP_RETENTION_DAYS,
  MeteringInProgressError,
  type UsageRow,
  type UsageStore,
} from '#shared/metering/usage-store.ts';
import { createDynamoApi } from '#shared/store/dynamo-api.ts';
import { usageTable } from '#shared/store/tables.ts';
import { failedDetail, usageDetail } from '#test/unit/shared/events/usage-detail.ts';

// The usage store against the embedded DynamoDB (dynalite), with the stack's own table definition.
// dynalite has no TransactWriteItems, so this is the store's path without transactions; the
// transactional path (AWS) runs against moto in test/integration/moto/metering.test.ts.

const TABLE = 'usage-store-test';
const NOW = Date.parse('2026-03-14T16:00:00.000Z');
const MINUTE = 60_000;

let dynamo: EmbeddedDynamo;
let client: DynamoDBClient;
let store: UsageStore;

beforeAll(async () => {
  dynamo = await startEmbeddedDynamo();
  client = createDynamoClient({ endpoint: dynamo.endpoint });
  await ensureTables(client, [usageTable], () => TABLE);
  store = createUsageStore(createDynamoApi({ endpoint: dynamo.endpoint }), TABLE);
});
afterAll(async () => {
  client.destroy();
  await dynamo.close();
});

/** Each test meters for its own tenant, so tests do not see each other's rows. */
let tenantCount = 0;
const newTenant = (): string => `tenant-${++tenantCount}`;

const row = (overrides: Partial<UsageRow>): UsageRow => ({
  day: '2026-03-14',
  keyId: 'key_1',
  model: 'mock-small',
  requests: 1,
  errors: 0,
  promptTokens: 0,
  completionTokens: 0,
  cachedTokens: 0,
  costMicros: 0,
  premiumCostMicros: 0,
  ...overrides,
});

const putMarker = async (requestId: string, state: 'applying' | 'done', startedAt: number): Promise<void> => {
  await client.send(
    new PutItemCommand({
      TableName: TABLE,
      Item: {
        pk: { S: `event#${requestId}` },
        sk: { S: 'marker' },
        state: { S: state },
        startedAt: { N: String(startedAt) },
      },
    }),
  );
};

const markerOf = async (requestId: string) =>
  (
    await client.send(
      new GetItemCommand({
        TableName: TABLE,
        Key: { pk: { S: `event#${requestId}` }, sk: { S: 'marker' } },
        ConsistentRead: true,
      }),
    )
  ).Item;

describe('createUsageStore: meter', () => {
  test('a served event adds to its day, key and model', async () => {
    // Prepare
    const tenant = newTenant();
    const detail = usageDetail({
      requestId: `${tenant}-1`,
      tenant,
      timestamp: '2026-03-14T23:59:59.999Z',
      usage: { promptTokens: 120, completionTokens: 30, cachedTokens: 20 },
      costMicros: 24,
      premiumCostMicros: 810,
    });

    // Act
    const outcome = await store.meter(detail, NOW);

    // Assess
    expect(outcome).toBe('metered');
    expect(await store.query(tenant, '2026-03-14', '2026-03-14')).toEqual([
      row({ promptTokens: 120, completionTokens: 30, cachedTokens: 20, costMicros: 24, premiumCostMicros: 810 }),
    ]);
  });

  test('the marker is done and expires after the dedup retention', async () => {
    // Prepare
    const tenant = newTenant();

    // Act
    await store.meter(usageDetail({ requestId: `${tenant}-1`, tenant }), NOW);

    // Assess
    expect(await markerOf(`${tenant}-1`)).toEqual({
      pk: { S: `event#${tenant}-1` },
      sk: { S: 'marker' },
      state: { S: 'done' },
      startedAt: { N: String(NOW) },
      expiresAt: { N: String(NOW / 1000 + DEDUP_RETENTION_DAYS * 86_400) },
    });
  });

  test('the same request id again is a duplicate and changes nothing', async () => {
    // Prepare
    const tenant = newTenant();
    const detail = usageDetail({ requestId: `${tenant}-1`, tenant });
    await store.meter(detail, NOW);
    const before = await store.query(tenant, '2026-03-14', '2026-03-14');

    // Act
    const again = await store.meter(detail, NOW + MINUTE);
    const replayed = await store.meter({ ...detail, costMicros: 999_999 }, NOW + 30 * 86_400_000);

    // Assess
    expect([again, replayed]).toEqual(['duplicate', 'duplicate']);
    expect(await store.query(tenant, '2026-03-14', '2026-03-14')).toEqual(before);
    expect(before).toHaveLength(1);
  });

  test('concurrent deliveries of one event meter it once', async () => {
    // Prepare
    const tenant = newTenant();
    const detail = usageDetail({ requestId: `${tenant}-1`, tenant });

    // Act
    const outcomes = await Promise.allSettled(Array.from({ length: 5 }, () => store.meter(detail, NOW)));

    // Assess: one metered; the others found it done or in progress (EventBridge retries those).
    const metered = outcomes.filter((outcome) => outcome.status === 'fulfilled' && outcome.value === 'metered');
    expect(metered).toHaveLength(1);
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected') expect(outcome.reason).toBeInstanceOf(MeteringInProgressError);
      else expect(['metered', 'duplicate']).toContain(outcome.value);
    }
    expect((await store.query(tenant, '2026-03-14', '2026-03-14')).map((aggregate) => aggregate.requests)).toEqual([1]);
  });

  test('failed events count as requests and errors, under the requested model', async () => {
    // Prepare
    const tenant = newTenant();

    // Act
    await store.meter(failedDetail({ requestId: `${tenant}-1`, tenant, requestedModel: 'auto', status: 429 }), NOW);
    await store.meter(failedDetail({ requestId: `${tenant}-2`, tenant, requestedModel: 'auto', status: 502 }), NOW);
    await store.meter(usageDetail({ requestId: `${tenant}-3`, tenant, servedModel: 'auto', status: 200 }), NOW);
    // A response with a model but an error status (e.g. 400 from upstream) is an error too.
    await store.meter(usageDetail({ requestId: `${tenant}-4`, tenant, servedModel: 'auto', status: 400 }), NOW);

    // Assess
    expect(await store.query(tenant, '2026-03-14', '2026-03-14')).toEqual([
      row({
        model: 'auto',
        requests: 4,
        errors: 3,
        promptTokens: 240,
        completionTokens: 60,
        cachedTokens: 40,
        costMicros: 48,
        premiumCostMicros: 1_620,
      }),
    ]);
  });

  test('a delivery in progress (a recent "applying" marker) is not metered twice: MeteringInProgressError', async () => {
    // Prepare
    const tenant = newTenant();
    await putMarker(`${tenant}-1`, 'applying', NOW - 89_000);

    // Act
    const metering = store.meter(usageDetail({ requestId: `${tenant}-1`, tenant }), NOW);

    // Assess
    await expect(metering).rejects.toThrow(MeteringInProgressError);
    await expect(metering).rejects.toThrow(`usage event ${tenant}-1 is being metered by another delivery`);
    expect(await store.query(tenant, '2026-03-14', '2026-03-14')).toEqual([]);
    expect((await markerOf(`${tenant}-1`))?.state).toEqual({ S: 'applying' });
  });

  test('a delivery that started over 90 seconds ago (three metering timeouts) and never finished is taken over and metered', async () => {
    // Prepare
    const tenant = newTenant();
    await putMarker(`${tenant}-1`, 'applying', NOW - 90_000 - 1);

    // Act
    const outcome = await store.meter(usageDetail({ requestId: `${tenant}-1`, tenant }), NOW);

    // Assess
    expect(outcome).toBe('metered');
    expect((await store.query(tenant, '2026-03-14', '2026-03-14')).map((aggregate) => aggregate.requests)).toEqual([1]);
    expect(await markerOf(`${tenant}-1`)).toMatchObject({ state: { S: 'done' }, startedAt: { N: String(NOW) } });
  });

  test('a "done" marker is never taken over, however old', async () => {
    // Prepare
    const tenant = newTenant();
    await putMarker(`${tenant}-1`, 'done', NOW - 300 * 86_400_000);

    // Act
    const outcome = await store.meter(usageDetail({ requestId: `${tenant}-1`, tenant }), NOW);

    // Assess
    expect(outcome).toBe('duplicate');
    expect(await store.query(tenant, '2026-03-14', '2026-03-14')).toEqual([]);
  });
});

describe('createUsageStore: a DynamoDB without transactions', () => {
  test('dynalite is asked for TransactWriteItems once per store, then every event is metered in sequence', async () => {
    // Prepare
    const tenant = newTenant();
    const fresh = createUsageStore(createDynamoApi({ endpoint: dynamo.endpoint }), TABLE);
    const asked = dynamo.calls.get('TransactWriteItems') ?? 0;

    // Act
    const outcomes = [
      await fresh.meter(usageDetail({ requestId: `${tenant}-1`, tenant }), NOW),
      await fresh.meter(usageDetail({ requestId: `${tenant}-2`, tenant }), NOW),
      await fresh.meter(usageDetail({ requestId: `${tenant}-1`, tenant }), NOW),
    ];

    // Assess
    expect(outcomes).toEqual(['metered', 'metered', 'duplicate']);
    expect((dynamo.calls.get('TransactWriteItems') ?? 0) - asked).toBe(1);
    expect((await store.query(tenant, '2026-03-14', '2026-03-14')).map((aggregate) => aggregate.requests)).toEqual([2]);
    expect((await markerOf(`${tenant}-2`))?.state).toEqual({ S: 'done' });
  });
});

describe('createUsageStore: query', () => {
  test('rows per day, key and model, with the from/to days included and days outside left out', async () => {
    // Prepare
    const tenant = newTenant();
    const other = newTenant();
    let sequence = 0;
    const meter = (day: string, keyId: string, servedModel: string, costMicros: number, otherTenant = false) =>
      store.meter(
        usageDetail({
          requestId: `${tenant}-${++sequence}`,
          tenant: otherTenant ? other : tenant,
          timestamp: `${day}T12:00:00.000Z`,
          keyId,
          servedModel,
          costMicros,
        }),
        NOW,
      );
    await meter('2026-02-28', 'key_a', 'mock-small', 1);
    await meter('2026-03-01', 'key_a', 'mock-small', 10);
    await meter('2026-03-01', 'key_a', 'mock-small', 20);
    await meter('2026-03-01', 'key_b', 'mock-small', 30);
    await meter('2026-03-01', 'key_a', 'mock-large', 40);
    await meter('2026-03-15', 'key_z~', 'model~z', 50);
    await meter('2026-03-31', 'key_a', 'mock-small', 60);
    await meter('2026-04-01', 'key_a', 'mock-small', 70);
    await meter('2026-03-15', 'key_a', 'mock-small', 80, true);

    // Act
    const march = await store.query(tenant, '2026-03-01', '2026-03-31');
    const oneDay = await store.query(tenant, '2026-03-15', '2026-03-15');
    const none = await store.query(tenant, '2026-03-02', '2026-03-14');

    // Assess
    expect(
      march.map((aggregate) => [aggregate.day, aggregate.keyId, aggregate.model, aggregate.requests, aggregate.costMicros]),
    ).toEqual([
      ['2026-03-01', 'key_a', 'mock-large', 1, 40],
      ['2026-03-01', 'key_a', 'mock-small', 2, 30],
      ['2026-03-01', 'key_b', 'mock-small', 1, 30],
      ['2026-03-15', 'key_z~', 'model~z', 1, 50],
      ['2026-03-31', 'key_a', 'mock-small', 1, 60],
    ]);
    expect(oneDay.map((aggregate) => aggregate.costMicros)).toEqual([50]);
    expect(none).toEqual([]);
    expect((await store.query(other, '2026-01-01', '2026-12-31')).map((aggregate) => aggregate.costMicros)).toEqual([80]);
  });

  // Regression: a range whose `from` is after `to` is a DynamoDB ValidationException ("BETWEEN requires upper
  // bound >= lower bound", usage-store.ts:122-132) instead of no rows, as "days in [from, to]" implies.
  // The usage API checks the order first, so only other callers (scripts, a future handler) hit it.
  test('an inverted range has no rows', async () => {
    await expect(store.query(newTenant(), '2026-03-31', '2026-03-01')).resolves.toEqual([]);
  });

  test('a range over more than one page (DynamoDB pages at 1 MB) returns every row', async () => {
    // Prepare: 130 aggregate rows of ~10 KB each, written as metering writes them, plus padding.
    const tenant = newTenant();
    const pad = 'x'.repeat(10_000);
    const items = Array.from({ length: 130 }, (_unused, index) => {
      const day = `2026-01-${String((index % 28) + 1).padStart(2, '0')}`;
      const keyId = `key_${String(index).padStart(3, '0')}`;
      return {
        pk: { S: `usage#tenant#${tenant}` },
        sk: { S: `day#${day}#key#${keyId}#model#mock-small` },
        day: { S: day },
        keyId: { S: keyId },
        model: { S: 'mock-small' },
        requests: { N: '2' },
        errors: { N: '1' },
        promptTokens: { N: '10' },
        completionTokens: { N: '5' },
        cachedTokens: { N: '0' },
        costMicros: { N: String(index) },
        premiumCostMicros: { N: '100' },
        pad: { S: pad },
      };
    });
    for (let start = 0; start < items.length; start += 25) {
      await client.send(
        new BatchWriteItemCommand({
          RequestItems: { [TABLE]: items.slice(start, start + 25).map((Item) => ({ PutRequest: { Item } })) },
        }),
      );
    }
    const queriesBefore = dynamo.calls.get('Query') ?? 0;

    // Act
    const rows = await store.query(tenant, '2026-01-01', '2026-01-31');

    // Assess
    expect(dynamo.calls.get('Query') ?? 0).toBeGreaterThan(queriesBefore + 1);
    expect(rows).toHaveLength(130);
    expect(rows.reduce((total, aggregate) => total + aggregate.costMicros, 0)).toBe((129 * 130) / 2);
    expect(rows.reduce((total, aggregate) => total + aggregate.requests, 0)).toBe(260);
    expect(rows[0]).toEqual(
      row({
        day: '2026-01-01',
        keyId: 'key_000',
        requests: 2,
        errors: 1,
        promptTokens: 10,
        completionTokens: 5,
        premiumCostMicros: 100,
      }),
    );
  });
});
