import { Logger } from '@aws-lambda-powertools/logger';
import { type DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateEventBusCommand, EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { EventBridgeEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { createMeteringHandler } from '#functions/metering/create-handler.ts';
import { lambdaContext } from '#local/api-gateway-event.ts';
import { createDynamoClient } from '#local/dynamo-client.ts';
import { ensureTables } from '#local/embedded-dynamodb.ts';
import { matchesPattern } from '#local/event-pattern.ts';
import { AwsServiceError, AwsTimeoutError } from '#shared/aws/aws-json-client.ts';
import { createEventBridgePublisher } from '#shared/events/event-publisher.ts';
import { usageRules } from '#shared/events/event-rules.ts';
import { createEventsApi, type EventsApi } from '#shared/events/eventbridge-client.ts';
import { detailTypeOf, type UsageEventDetail, usageEventSchema } from '#shared/events/usage-event.ts';
import {
  createUsageStore,
  DEDUP_RETENTION_DAYS,
  MeteringInProgressError,
  type UsageStore,
} from '#shared/metering/usage-store.ts';
import { Counters } from '#shared/observability/counters.ts';
import { createDynamoApi, type DynamoApi } from '#shared/store/dynamo-api.ts';
import { usageTable } from '#shared/store/tables.ts';
import { type MotoServer, startMotoServer } from '#test/fixtures/moto-server.ts';
import { failedDetail, usageDetail } from '#test/unit/shared/events/usage-detail.ts';

// Usage metering on moto, from the router's PutEvents to the daily aggregate:
// - the usage store on a DynamoDB with TransactWriteItems (dynalite has none): metering is one
//   transaction there, so an event redelivered after a crash at any point is counted once;
// - the pipeline: the router's publisher (PutEvents over the light client) -> a bus with the rules
//   of shared/events/event-rules.ts (the definitions the CDK stack deploys), each with an SQS queue
//   as its target -> received with the SDK -> the metering Lambda's handler -> DynamoDB. moto's
//   pattern matching is also the oracle for the local bus's own matcher (local/event-pattern.ts).

const TABLE = 'moto-usage';
const NOW = Date.parse('2026-03-14T16:00:00.000Z');
const DAY = '2026-03-14';
const SOURCE = 'inference-router';
const BUS = 'inference-router-moto';
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };

let moto: MotoServer;
let sdk: DynamoDBClient;
let api: DynamoApi;
let store: UsageStore;
let events: EventBridgeClient;
let sqs: SQSClient;
let eventsApi: EventsApi;
/** The queue each rule delivers to, by rule id. */
const queues = new Map<string, string>();

beforeAll(async () => {
  moto = await startMotoServer();
  sdk = createDynamoClient({ endpoint: moto.endpoint, region: moto.region });
  await ensureTables(sdk, [usageTable], () => TABLE);
  api = createDynamoApi({ endpoint: moto.endpoint, region: moto.region });
  store = createUsageStore(api, TABLE);

  // The project's EventBridge client takes its region from the environment, as in Lambda.
  vi.stubEnv('AWS_REGION', moto.region);
  eventsApi = createEventsApi(moto.endpoint);
  const client = { endpoint: moto.endpoint, region: moto.region, credentials };
  events = new EventBridgeClient(client);
  sqs = new SQSClient(client);
  await events.send(new CreateEventBusCommand({ Name: BUS }));
  for (const rule of usageRules) {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `moto-${rule.id}` }));
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
    await events.send(
      new PutRuleCommand({
        Name: `usage-${rule.id}`,
        EventBusName: BUS,
        Description: rule.description,
        EventPattern: JSON.stringify(rule.pattern(SOURCE)),
        State: 'ENABLED',
      }),
    );
    await events.send(
      new PutTargetsCommand({
        Rule: `usage-${rule.id}`,
        EventBusName: BUS,
        Targets: [{ Id: 'queue', Arn: Attributes?.QueueArn }],
      }),
    );
    queues.set(rule.id, QueueUrl ?? '');
  }
});
afterAll(async () => {
  vi.unstubAllEnvs();
  eventsApi?.destroy();
  sqs?.destroy();
  events?.destroy();
  api?.destroy();
  sdk?.destroy();
  await moto?.close();
});

let tenantCount = 0;
const newTenant = (): string => `moto-tenant-${++tenantCount}`;
const requestsOf = async (tenant: string): Promise<number[]> => (await store.query(tenant, DAY, DAY)).map((row) => row.requests);

const markerOf = async (requestId: string) =>
  (
    await sdk.send(
      new GetItemCommand({
        TableName: TABLE,
        Key: { pk: { S: `event#${requestId}` }, sk: { S: 'marker' } },
        ConsistentRead: true,
      }),
    )
  ).Item;

/** moto answering TransactWriteItems as dynalite does. */
const withoutTransactions = (inner: DynamoApi): DynamoApi => ({
  ...inner,
  transactWriteItems: () => Promise.reject(new AwsServiceError('UnknownOperationException', '', 400)),
});

/** Counts the calls a store makes, by operation. */
const counting = (inner: DynamoApi): { api: DynamoApi; calls: Map<string, number> } => {
  const calls = new Map<string, number>();
  const counted =
    <I, O>(operation: string, call: (input: I) => Promise<O>) =>
    (input: I) => {
      calls.set(operation, (calls.get(operation) ?? 0) + 1);
      return call(input);
    };
  return {
    calls,
    api: {
      ...inner,
      getItem: counted('GetItem', inner.getItem),
      putItem: counted('PutItem', inner.putItem),
      updateItem: counted('UpdateItem', inner.updateItem),
      transactWriteItems: counted('TransactWriteItems', inner.transactWriteItems),
    },
  };
};

describe('metering in one transaction', () => {
  test('an event is metered with one write: the marker and the aggregate together', async () => {
    // Prepare
    const tenant = newTenant();
    const { api: counted, calls } = counting(api);
    const detail = usageDetail({ requestId: `${tenant}-1`, tenant, timestamp: `${DAY}T23:59:59.999Z` });

    // Act
    const outcome = await createUsageStore(counted, TABLE).meter(detail, NOW);

    // Assess
    expect(outcome).toBe('metered');
    expect(Object.fromEntries(calls)).toEqual({ TransactWriteItems: 1 });
    expect(await store.query(tenant, DAY, DAY)).toEqual([
      {
        day: DAY,
        keyId: 'key_1',
        model: 'mock-small',
        requests: 1,
        errors: 0,
        promptTokens: 120,
        completionTokens: 30,
        cachedTokens: 20,
        costMicros: 24,
        premiumCostMicros: 810,
      },
    ]);
    expect(await markerOf(`${tenant}-1`)).toEqual({
      pk: { S: `event#${tenant}-1` },
      sk: { S: 'marker' },
      state: { S: 'done' },
      startedAt: { N: String(NOW) },
      expiresAt: { N: String(NOW / 1000 + DEDUP_RETENTION_DAYS * 86_400) },
    });
  });

  test('the same request id again is a duplicate and changes nothing, however late', async () => {
    // Prepare
    const tenant = newTenant();
    const detail = usageDetail({ requestId: `${tenant}-1`, tenant });
    await store.meter(detail, NOW);

    // Act
    const again = await store.meter(detail, NOW + 60_000);
    const replayed = await store.meter({ ...detail, costMicros: 999_999 }, NOW + 30 * 86_400_000);

    // Assess
    expect([again, replayed]).toEqual(['duplicate', 'duplicate']);
    expect((await store.query(tenant, DAY, DAY)).map((row) => [row.requests, row.costMicros])).toEqual([[1, 24]]);
  });

  test('failed events count as requests and errors under the requested model', async () => {
    // Prepare
    const tenant = newTenant();

    // Act
    await store.meter(failedDetail({ requestId: `${tenant}-1`, tenant, requestedModel: 'auto', status: 429 }), NOW);
    await store.meter(usageDetail({ requestId: `${tenant}-2`, tenant, servedModel: 'auto', status: 400 }), NOW);

    // Assess
    expect((await store.query(tenant, DAY, DAY)).map((row) => [row.model, row.requests, row.errors])).toEqual([['auto', 2, 2]]);
  });

  test('concurrent deliveries of one event meter it once', async () => {
    // Prepare
    const tenant = newTenant();
    const detail = usageDetail({ requestId: `${tenant}-1`, tenant });

    // Act
    const outcomes = await Promise.allSettled(Array.from({ length: 8 }, () => store.meter(detail, NOW)));

    // Assess
    const metered = outcomes.filter((outcome) => outcome.status === 'fulfilled' && outcome.value === 'metered');
    expect(metered).toHaveLength(1);
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected') expect(outcome.reason).toBeInstanceOf(MeteringInProgressError);
    }
    expect(await requestsOf(tenant)).toEqual([1]);
  });

  test('concurrent events of one key and model all land in their shared aggregate', async () => {
    // Prepare
    const tenant = newTenant();

    // Act
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, (_unused, index) => store.meter(usageDetail({ requestId: `${tenant}-${index}`, tenant }), NOW)),
    );

    // Assess
    expect(new Set(outcomes)).toEqual(new Set(['metered']));
    expect(await requestsOf(tenant)).toEqual([10]);
  });
});

describe('a crash, then the event delivered again', () => {
  test('the transaction applied but its answer was lost: the redelivery is a duplicate, counted once', async () => {
    // Prepare: the write reaches DynamoDB, then the invocation dies before it hears back.
    const tenant = newTenant();
    const detail = usageDetail({ requestId: `${tenant}-1`, tenant });
    const crashing = createUsageStore(
      {
        ...api,
        transactWriteItems: async (input) => {
          await api.transactWriteItems(input);
          throw new AwsTimeoutError('dynamodb TransactWriteItems timed out after 5000 ms');
        },
      },
      TABLE,
    );
    await expect(crashing.meter(detail, NOW)).rejects.toThrow(AwsTimeoutError);

    // Act: EventBridge (or Lambda's async retry, or an archive replay) delivers it again, much later.
    const redelivered = await store.meter(detail, NOW + 10 * 60_000);

    // Assess
    expect(redelivered).toBe('duplicate');
    expect(await requestsOf(tenant)).toEqual([1]);
  });

  test('the invocation died before its write: the redelivery meters the event once', async () => {
    // Prepare
    const tenant = newTenant();
    const detail = usageDetail({ requestId: `${tenant}-1`, tenant });
    const crashing = createUsageStore(
      {
        ...api,
        transactWriteItems: () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })),
      },
      TABLE,
    );
    await expect(crashing.meter(detail, NOW)).rejects.toThrow('ECONNREFUSED');

    // Act
    const redelivered = await store.meter(detail, NOW + 1_000);

    // Assess
    expect(redelivered).toBe('metered');
    expect(await requestsOf(tenant)).toEqual([1]);
    expect((await markerOf(`${tenant}-1`))?.state).toEqual({ S: 'done' });
  });

  // Why the transaction: the same crash on the path without transactions (the one dynalite takes) counts
  // the event twice once its "applying" marker goes stale. This pins the window the transaction closes.
  test('without transactions, a crash between the ADD and the "done" write counts the event twice', async () => {
    // Prepare: a DynamoDB without transactions whose "done" write never happens (the invocation died).
    const tenant = newTenant();
    const detail = usageDetail({ requestId: `${tenant}-1`, tenant });
    let updates = 0;
    const crashing = createUsageStore(
      {
        ...withoutTransactions(api),
        updateItem: async (input) => {
          if (++updates === 2) throw new AwsTimeoutError('the invocation timed out');
          return api.updateItem(input);
        },
      },
      TABLE,
    );
    await expect(crashing.meter(detail, NOW)).rejects.toThrow(AwsTimeoutError);

    // Act: redelivered after the marker's stale period.
    const redelivered = await createUsageStore(withoutTransactions(api), TABLE).meter(detail, NOW + 90_001);

    // Assess
    expect(redelivered).toBe('metered');
    expect(await requestsOf(tenant)).toEqual([2]);
  });

  test('a recent "applying" marker (a delivery on the sequence path, in flight) blocks the transaction', async () => {
    // Prepare
    const tenant = newTenant();
    await sdk.send(
      new PutItemCommand({
        TableName: TABLE,
        Item: {
          pk: { S: `event#${tenant}-1` },
          sk: { S: 'marker' },
          state: { S: 'applying' },
          startedAt: { N: String(NOW - 89_000) },
        },
      }),
    );

    // Act
    const metering = store.meter(usageDetail({ requestId: `${tenant}-1`, tenant }), NOW);

    // Assess
    await expect(metering).rejects.toThrow(MeteringInProgressError);
    expect(await requestsOf(tenant)).toEqual([]);
  });
});

describe('a DynamoDB without transactions', () => {
  test('is detected on the first event and metered in sequence from then on, exactly once per request id', async () => {
    // Prepare
    const tenant = newTenant();
    const { api: counted, calls } = counting(withoutTransactions(api));
    const fallback = createUsageStore(counted, TABLE);
    const detail = usageDetail({ requestId: `${tenant}-1`, tenant });

    // Act
    const outcomes = [
      await fallback.meter(detail, NOW),
      await fallback.meter(usageDetail({ requestId: `${tenant}-2`, tenant }), NOW),
      await fallback.meter(detail, NOW),
    ];

    // Assess
    expect(outcomes).toEqual(['metered', 'metered', 'duplicate']);
    expect(calls.get('TransactWriteItems')).toBe(1);
    expect(await requestsOf(tenant)).toEqual([2]);
  });
});

const publisherFor = (source: string, counters = new Counters()) =>
  createEventBridgePublisher({
    client: eventsApi,
    busName: BUS,
    source,
    logger: new Logger({ serviceName: 'moto-pipeline-test', logLevel: 'SILENT' }),
    counters,
    baseDelayMs: 10,
  });

/** Receives and deletes everything in a queue; stops after a receive that finds nothing. */
const drain = async (ruleId: string): Promise<Array<EventBridgeEvent<string, unknown>>> => {
  const QueueUrl = queues.get(ruleId);
  const received: Array<EventBridgeEvent<string, unknown>> = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    if (Messages.length === 0) return received;
    for (const message of Messages) received.push(JSON.parse(message.Body ?? '{}') as EventBridgeEvent<string, unknown>);
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl,
        Entries: Messages.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle })),
      }),
    );
  }
};
const requestIds = (received: ReadonlyArray<EventBridgeEvent<string, unknown>>): string[] =>
  received.map((event) => (event.detail as UsageEventDetail).requestId).sort();

describe('PutEvents -> the stack’s rules -> SQS', () => {
  test('each rule’s queue receives exactly the events its pattern selects, as the local bus’s matcher decides', async () => {
    // Prepare
    const served = usageDetail({ requestId: 'pipeline-served', tenant: 'pipeline' });
    const refused = failedDetail({ requestId: 'pipeline-refused', tenant: 'pipeline' });
    const foreign = usageDetail({ requestId: 'pipeline-foreign', tenant: 'pipeline' });
    const counters = new Counters();

    // Act
    await publisherFor(SOURCE, counters).publish([served, refused]);
    await publisherFor('someone-else').publish([foreign]);
    const delivered = { metering: await drain('metering'), 'lago-sync': await drain('lago-sync') };

    // Assess
    expect(counters.snapshot()).toEqual({ 'events.published': 2 });
    expect(requestIds(delivered.metering)).toEqual(['pipeline-refused', 'pipeline-served']);
    expect(requestIds(delivered['lago-sync'])).toEqual(['pipeline-served']);
    for (const rule of usageRules) {
      for (const [source, detail] of [
        [SOURCE, served],
        [SOURCE, refused],
        ['someone-else', foreign],
      ] as const) {
        const local = matchesPattern(rule.pattern(SOURCE), { source, 'detail-type': detailTypeOf(detail), detail });
        expect(requestIds(delivered[rule.id]).includes(detail.requestId), `${rule.id} / ${detail.requestId}`).toBe(local);
      }
    }
  });

  test('a delivered event is what the consumers parse: the usage event schema, the entry’s time, the detail unchanged', async () => {
    // Prepare
    const detail = usageDetail({ requestId: 'pipeline-shape', tenant: 'pipeline', timestamp: '2026-03-14T15:09:26.535Z' });

    // Act
    await publisherFor(SOURCE).publish([detail]);
    const [event] = await drain('lago-sync');
    await drain('metering');

    // Assess
    const parsed = usageEventSchema.safeParse(event);
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    expect(event).toMatchObject({ source: SOURCE, 'detail-type': 'inference.completed', time: '2026-03-14T15:09:26Z' });
    expect(event?.detail).toEqual(detail);
  });

  test('the metering queue’s events, delivered to the metering handler twice, are metered once', async () => {
    // Prepare
    const tenant = 'pipeline-metered';
    await publisherFor(SOURCE).publish([
      usageDetail({ requestId: `${tenant}-1`, tenant, timestamp: '2026-03-14T10:00:00.000Z', costMicros: 100 }),
      usageDetail({ requestId: `${tenant}-2`, tenant, timestamp: '2026-03-14T11:00:00.000Z', costMicros: 50 }),
      failedDetail({ requestId: `${tenant}-3`, tenant, timestamp: '2026-03-14T12:00:00.000Z', requestedModel: 'mock-small' }),
    ]);
    const received = await drain('metering');
    await drain('lago-sync');
    const counters = new Counters();
    const handler = createMeteringHandler({
      usage: store,
      logger: new Logger({ serviceName: 'moto-metering-test', logLevel: 'SILENT' }),
      counters,
    });

    // Act: EventBridge delivers at least once; every event arrives twice here.
    for (const event of [...received, ...received]) await handler(event, lambdaContext('metering', 30_000));

    // Assess
    expect(counters.snapshot()).toEqual({ 'metering.metered': 3, 'metering.duplicate': 3 });
    expect(await store.query(tenant, '2026-03-14', '2026-03-14')).toEqual([
      expect.objectContaining({ model: 'mock-small', requests: 3, errors: 1, costMicros: 150 }),
    ]);
  });
});
