import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteTableCommand, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { EventBridgeEvent } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { createDynamoClient } from '#local/dynamo-client.ts';
import { type DynamoWorker, ensureTables, startDynamoWorker } from '#local/embedded-dynamodb.ts';
import { startLocalEventBus } from '#local/event-bus.ts';
import { cachingParser, type ExpressionParser } from '#local/expression-cache.ts';
import { startLocalServer } from '#local/server.ts';
import { DEFAULT_EVENT_SOURCE, type UsageEventDetail } from '#shared/events/usage-event.ts';
import { monthWindow } from '#shared/limits/windows.ts';
import { limitsTable, tableDefinitions, usageTable } from '#shared/store/tables.ts';

// `npm start`'s stand-ins for AWS, made fast (BENCHMARKS.md): DynamoDB in a worker thread reached by
// messages, with a cache in front of dynalite's expression parsers, and the router publishing to
// the local bus in process, whose archive is bounded. Each must answer exactly as before.

const require = createRequire(import.meta.url);

describe("the expression cache returns the parser's own results", () => {
  // dynalite's validation, which calls the parsers through these modules' exports.
  const validations = require('dynalite/validations/index.js') as { validateExpressions(data: object): string | undefined };
  const parsers = ['conditionParser', 'updateParser', 'projectionParser'].map(
    (name) => require(`dynalite/db/${name}.js`) as ExpressionParser,
  );
  const originals = parsers.map((parser) => parser.parse);
  const stats = { hits: 0, misses: 0 };
  const useCache = (on: boolean): void => {
    parsers.forEach((parser, index) => {
      const original = originals[index] as ExpressionParser['parse'];
      parser.parse = on ? cachingParser({ parse: original }, stats).parse : original;
    });
  };
  afterAll(() => useCache(false));

  type Request = Record<string, unknown>;
  /** What validation leaves on a request: its message, or the parsed trees dynalite acts on. */
  const validate = (request: Request) => {
    const data = structuredClone(request);
    const message = validations.validateExpressions(data);
    return { message, data };
  };

  // The router's own expressions (shared/limits, shared/metering, shared/keys) and cases around them.
  const limitsAdmit = (tokens: string, max: string): Request => ({
    UpdateExpression:
      'ADD requests :requests, tokens :tokens, spendMicros :spend SET expiresAt = if_not_exists(expiresAt, :expires)',
    ConditionExpression:
      '(attribute_not_exists(requests) OR requests <= :max_requests) AND (attribute_not_exists(tokens) OR tokens <= :max_tokens)',
    ExpressionAttributeValues: {
      ':requests': { N: '1' },
      ':tokens': { N: tokens },
      ':spend': { N: '0' },
      ':expires': { N: '1700000000' },
      ':max_requests': { N: max },
      ':max_tokens': { N: '999' },
    },
  });
  const cases: Array<[string, Request, Request]> = [
    ['limits admission', limitsAdmit('30', '59'), limitsAdmit('7', '3')],
    [
      'metering marker',
      {
        ConditionExpression: 'attribute_not_exists(pk) OR (#state = :applying AND startedAt < :stale)',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':applying': { S: 'applying' }, ':stale': { N: '100' } },
      },
      {
        ConditionExpression: 'attribute_not_exists(pk) OR (#state = :applying AND startedAt < :stale)',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':applying': { S: 'applying' }, ':stale': { N: '200' } },
      },
    ],
    [
      'a nested SET and REMOVE with a map value',
      {
        UpdateExpression: 'SET #limits.#rpm = :rpm, #meta = :meta REMOVE #limits.#tpm',
        ConditionExpression: 'attribute_exists(keyHash) AND attribute_exists(#limits)',
        ExpressionAttributeNames: { '#limits': 'limits', '#rpm': 'rpm', '#tpm': 'tpm', '#meta': 'meta' },
        ExpressionAttributeValues: { ':rpm': { N: '10' }, ':meta': { M: { a: { S: 'x' } } } },
      },
      {
        UpdateExpression: 'SET #limits.#rpm = :rpm, #meta = :meta REMOVE #limits.#tpm',
        ConditionExpression: 'attribute_exists(keyHash) AND attribute_exists(#limits)',
        ExpressionAttributeNames: { '#limits': 'limits', '#rpm': 'rpm', '#tpm': 'tpm', '#meta': 'meta' },
        ExpressionAttributeValues: { ':rpm': { N: '20' }, ':meta': { M: { b: { N: '1' } } } },
      },
    ],
    [
      // The condition uses #a, which the first request's update used already and the second's does not.
      'a name used by two expressions of one request',
      {
        UpdateExpression: 'SET #a = :v',
        ConditionExpression: 'attribute_exists(#a)',
        ExpressionAttributeNames: { '#a': 'a', '#b': 'b' },
        ExpressionAttributeValues: { ':v': { S: 'x' } },
      },
      {
        UpdateExpression: 'SET #b = :v',
        ConditionExpression: 'attribute_exists(#a)',
        ExpressionAttributeNames: { '#a': 'a', '#b': 'b' },
        ExpressionAttributeValues: { ':v': { S: 'y' } },
      },
    ],
    [
      'a value of another type',
      { UpdateExpression: 'ADD n :v', ExpressionAttributeValues: { ':v': { N: '1' } } },
      { UpdateExpression: 'ADD n :v', ExpressionAttributeValues: { ':v': { S: 'one' } } },
    ],
    [
      'an unused value',
      { UpdateExpression: 'SET a = :v', ExpressionAttributeValues: { ':v': { S: 'x' } } },
      { UpdateExpression: 'SET a = :v', ExpressionAttributeValues: { ':v': { S: 'x' }, ':w': { S: 'y' } } },
    ],
    [
      'BETWEEN, whose check compares the values (always parsed)',
      {
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': { S: 'p' }, ':from': { S: 'a' }, ':to': { S: 'b' } },
      },
      {
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': { S: 'p' }, ':from': { S: 'b' }, ':to': { S: 'a' } },
      },
    ],
    ['a syntax error', { UpdateExpression: 'SET = :v', ExpressionAttributeValues: { ':v': { S: 'x' } } }, {}],
    [
      'a projection',
      { ProjectionExpression: '#a, b[1].c', ExpressionAttributeNames: { '#a': 'a' } },
      { ProjectionExpression: '#a, b[1].c', ExpressionAttributeNames: { '#a': 'a' } },
    ],
  ];

  test.each(cases)('%s', (_name, first, second) => {
    for (const request of [first, second, first, second]) {
      // Prepare
      useCache(false);
      const expected = validate(request);

      // Act: a miss, then a hit.
      useCache(true);
      const missed = validate(request);
      const hit = validate(request);

      // Assess
      for (const actual of [missed, hit]) {
        expect(actual.message).toEqual(expected.message);
        expect(actual.data).toEqual(expected.data);
      }
    }
  });

  test("a hit puts the request's own value objects in the tree, as the parser does", () => {
    // Prepare
    useCache(true);
    validations.validateExpressions(limitsAdmit('1', '1'));
    const request = limitsAdmit('42', '43');
    const hitsBefore = stats.hits;

    // Act
    validations.validateExpressions(request);

    // Assess
    expect(stats.hits).toBeGreaterThan(hitsBefore);
    const values = request.ExpressionAttributeValues as Record<string, unknown>;
    const sections = (request as { _updates?: { sections: Array<{ val: unknown }> } })._updates?.sections ?? [];
    expect(sections[1]?.val).toBe(values[':tokens']);
  });
});

describe('the embedded DynamoDB in its worker thread', () => {
  let worker: DynamoWorker;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'router-dynamo-'));
  });
  afterEach(async () => worker?.close());
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  test("answers the stores' calls as the HTTP client would, and shares its data with the HTTP endpoint", async () => {
    // Prepare
    worker = await startDynamoWorker({ path: join(dir, 'errors') });
    const client = createDynamoClient({ endpoint: worker.endpoint });
    const names = await ensureTables(client, tableDefinitions, (table) => `t-${table.id}`);
    const usage = names.get(usageTable) as string;
    await client.send(new PutItemCommand({ TableName: usage, Item: { pk: { S: 'p' }, sk: { S: 's' }, n: { N: '1' } } }));

    // Act
    const read = await worker.api.getItem({ TableName: usage, Key: { pk: { S: 'p' }, sk: { S: 's' } } });
    const refused = await worker.api
      .putItem({ TableName: usage, Item: { pk: { S: 'p' }, sk: { S: 's' } }, ConditionExpression: 'attribute_not_exists(pk)' })
      .catch((error: unknown) => error);
    const transaction = await worker.api.transactWriteItems({ TransactItems: [] }).catch((error: unknown) => error);
    await worker.api.updateItem({
      TableName: usage,
      Key: { pk: { S: 'p' }, sk: { S: 's' } },
      UpdateExpression: 'ADD n :one',
      ExpressionAttributeValues: { ':one': { N: '1' } },
    });
    const overHttp = await client.send(new GetItemCommand({ TableName: usage, Key: { pk: { S: 'p' }, sk: { S: 's' } } }));
    client.destroy();

    // Assess
    expect(read.Item).toEqual({ pk: { S: 'p' }, sk: { S: 's' }, n: { N: '1' } });
    expect(refused).toMatchObject({ name: 'ConditionalCheckFailedException', statusCode: 400 });
    expect(transaction).toMatchObject({ name: 'UnknownOperationException', statusCode: 400 });
    expect(overHttp.Item?.n).toEqual({ N: '2' });
  });

  test('on disk, concurrent conditional writes to one item are exact, and every answered write is read and kept', async () => {
    // Prepare
    const path = join(dir, 'concurrent');
    worker = await startDynamoWorker({ path });
    const client = createDynamoClient({ endpoint: worker.endpoint });
    const names = await ensureTables(client, tableDefinitions, (table) => `t-${table.id}`);
    client.destroy();
    const usage = names.get(usageTable) as string;
    const api = worker.api;
    const admit = () =>
      api
        .updateItem({
          TableName: usage,
          Key: { pk: { S: 'hot' }, sk: { S: 'window' } },
          UpdateExpression: 'ADD requests :one',
          ConditionExpression: 'attribute_not_exists(requests) OR requests < :limit',
          ExpressionAttributeValues: { ':one': { N: '1' }, ':limit': { N: '150' } },
        })
        .then(
          () => 'admitted',
          (error: { name?: string }) => error.name,
        );
    const claim = () =>
      api
        .putItem({
          TableName: usage,
          Item: { pk: { S: 'marker' }, sk: { S: 'once' } },
          ConditionExpression: 'attribute_not_exists(pk)',
        })
        .then(
          () => 'claimed',
          (error: { name?: string }) => error.name,
        );
    const row = (i: number) =>
      api.putItem({ TableName: usage, Item: { pk: { S: 'rows' }, sk: { S: `row#${String(i).padStart(3, '0')}` } } });

    // Act
    const [admissions, claims] = await Promise.all([
      Promise.all(Array.from({ length: 200 }, admit)),
      Promise.all(Array.from({ length: 20 }, claim)),
      Promise.all(Array.from({ length: 120 }, (_, i) => row(i))),
    ]);
    const rows = await api.query({
      TableName: usage,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': { S: 'rows' } },
    });
    await worker.close();
    worker = await startDynamoWorker({ path });
    const kept = await worker.api.getItem({ TableName: usage, Key: { pk: { S: 'hot' }, sk: { S: 'window' } } });
    const keptRows = await worker.api.query({
      TableName: usage,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': { S: 'rows' } },
      Select: 'COUNT',
    });

    // Assess
    expect(admissions.filter((outcome) => outcome === 'admitted')).toHaveLength(150);
    expect(admissions.filter((outcome) => outcome === 'ConditionalCheckFailedException')).toHaveLength(50);
    expect(claims.filter((outcome) => outcome === 'claimed')).toHaveLength(1);
    expect(rows.Count).toBe(120);
    expect(kept.Item?.requests).toEqual({ N: '150' });
    expect(keptRows.Count).toBe(120);
  });

  test('on disk, through the router, a per-minute limit admits exactly that many of a burst, and a lost table fails closed', async () => {
    // Prepare
    const server = await startLocalServer({
      config: { models: [{ id: 'mock-small', provider: 'mock' as const }] },
      adminKey: 'sk-admin-test-0123456789abcdef',
      logLevel: 'SILENT',
      dynamoPath: join(dir, 'burst'),
    });
    try {
      const { key } = await server.runtime.keys.create({ tenant: 'acme', name: 'burst', limits: { rpm: 20 } });
      const chat = () =>
        fetch(`${server.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'mock-small', messages: [{ role: 'user', content: 'hi' }] }),
        }).then(async (response) => {
          await response.text();
          return response.status;
        });
      // The burst must fall within one minute window.
      const intoMinute = Date.now() % 60_000;
      if (intoMinute > 50_000) await new Promise((resolve) => setTimeout(resolve, 60_500 - intoMinute));

      // Act
      const statuses = await Promise.all(Array.from({ length: 40 }, chat));
      await server.idle();
      const client = createDynamoClient({ endpoint: server.dynamoEndpoint });
      await client.send(new DeleteTableCommand({ TableName: server.tableName(limitsTable) }));
      client.destroy();
      const afterLoss = await chat();

      // Assess
      expect(statuses.filter((status) => status === 200)).toHaveLength(20);
      expect(statuses.filter((status) => status === 429)).toHaveLength(20);
      expect(afterLoss).toBe(503);
    } finally {
      await server.close();
    }
  }, 90_000);

  test('keeps keys, limit counters and metered usage across a restart of npm start', async () => {
    // Prepare
    const options = {
      config: { models: [{ id: 'mock-small', provider: 'mock' as const }] },
      adminKey: 'sk-admin-test-0123456789abcdef',
      logLevel: 'SILENT' as const,
      dynamoPath: join(dir, 'restart'),
    };
    const first = await startLocalServer(options);
    const {
      key,
      record: { id },
    } = await first.runtime.keys.create({ tenant: 'acme', name: 'persisted', limits: { monthlyTokens: 1_000_000 } });
    const chat = (url: string) =>
      fetch(`${url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'mock-small', messages: [{ role: 'user', content: 'hi' }] }),
      });
    // A month window: a minute's could end between the requests and the reads.
    const window = monthWindow(new Date());
    for (let i = 0; i < 3; i++) expect((await chat(first.url)).status).toBe(200);
    await first.idle();
    const counted = await first.runtime.limits.read(`key#${id}`, window);
    await first.close();

    // Act
    const second = await startLocalServer(options);
    try {
      const reread = await second.runtime.limits.read(`key#${id}`, window);
      const usage = await second.runtime.usage.query('acme', '2000-01-01', '2100-12-31');
      const again = await chat(second.url);

      // Assess
      expect(counted.requests).toBe(3);
      expect(reread).toEqual(counted);
      expect(usage.reduce((sum, row) => sum + row.requests, 0)).toBe(3);
      expect(again.status).toBe(200);
    } finally {
      await second.close();
    }
  });
});

describe('the local event bus', () => {
  const entry = (requestId: string) => ({
    EventBusName: 'local',
    Source: DEFAULT_EVENT_SOURCE,
    DetailType: 'inference.completed',
    Detail: JSON.stringify({ requestId }),
  });

  test('keeps only the latest events in its archive, and takes PutEvents in process as over HTTP', async () => {
    // Prepare
    const delivered: string[] = [];
    const bus = await startLocalEventBus({
      source: DEFAULT_EVENT_SOURCE,
      archiveLimit: 3,
      metering: async (event: EventBridgeEvent<string, unknown>) => {
        delivered.push((event.detail as UsageEventDetail).requestId);
      },
    });
    try {
      // Act
      for (let i = 1; i <= 5; i++) await bus.events.putEvents({ Entries: [entry(`r${i}`)] });
      bus.failNextEntries(1, 'ThrottlingException');
      const partly = await bus.events.putEvents({ Entries: [entry('r6'), entry('r7')] });
      const empty = await bus.events.putEvents({ Entries: [] }).catch((error: unknown) => error);
      await bus.idle();

      // Assess
      expect(bus.archive.map((event) => (event.detail as UsageEventDetail).requestId)).toEqual(['r4', 'r5', 'r7']);
      expect(delivered).toEqual(['r1', 'r2', 'r3', 'r4', 'r5', 'r7']);
      expect(partly).toMatchObject({
        FailedEntryCount: 1,
        Entries: [{ ErrorCode: 'ThrottlingException' }, { EventId: expect.any(String) }],
      });
      expect(empty).toMatchObject({ name: 'ValidationException', statusCode: 400 });
    } finally {
      await bus.close();
    }

    // Act: a closed bus refuses, as its closed port would.
    const closed = await bus.events.putEvents({ Entries: [entry('r8')] }).catch((error: unknown) => error);

    // Assess
    expect(closed).toMatchObject({ code: 'ECONNREFUSED' });
  });
});
