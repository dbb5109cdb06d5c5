import { once } from 'node:events';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { AwsServiceError } from '#shared/aws/aws-json-client.ts';
import type { DynamoApi } from '#shared/store/dynamo-api.ts';
import type { TableDefinition } from '#shared/store/tables.ts';
import type { DynamoControlMessage, DynamoReplyMessage, DynamoRequestMessage, DynamoWorkerData } from './dynamo-worker.ts';

export interface EmbeddedDynamo {
  endpoint: string;
  /** Requests received per operation (`GetItem`, `UpdateItem`...), for benchmarks. */
  calls: Map<string, number>;
  /** The HTTP server, for callers that watch or tune it (the benchmark counts tables too). */
  server: Server;
  close(): Promise<void>;
}

/** Starts dynalite (the DynamoDB wire protocol, in process) on a free loopback port. */
export const startEmbeddedDynamo = async (options: { path?: string } = {}): Promise<EmbeddedDynamo> => {
  const server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(options.path ? { path: options.path } : {}),
  });
  const calls = new Map<string, number>();
  server.on('request', (request: IncomingMessage) => {
    const operation =
      String(request.headers['x-amz-target'] ?? 'unknown')
        .split('.')
        .at(-1) ?? 'unknown';
    calls.set(operation, (calls.get(operation) ?? 0) + 1);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    server,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
};

export interface DynamoWorker {
  /** dynalite's HTTP endpoint, for the AWS SDK (tests, tools): the same store as `api`. */
  endpoint: string;
  /** The router's DynamoDB operations, sent to the worker as messages (no HTTP, no signing). */
  api: DynamoApi;
  /** Waits for the calls in flight, closes the database and ends the thread. */
  close(): Promise<void>;
}

/**
 * Starts dynalite in a worker thread (local/dynamo-worker.ts), persisted in `path` (LevelDB) or in
 * memory. `api` answers as the light JSON client does over HTTP: the parsed body on success, else an
 * `AwsServiceError` named by the error's `__type` (`ConditionalCheckFailedException`...). Nothing is
 * resent: the only failures are dynalite's answers, which a resend would not change.
 */
export const startDynamoWorker = async (options: { path?: string } = {}): Promise<DynamoWorker> => {
  const worker = new Worker(new URL('./dynamo-worker.ts', import.meta.url), {
    workerData: (options.path ? { path: options.path } : {}) satisfies DynamoWorkerData,
  });
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let stopped: Error | undefined;
  let nextId = 0;
  let onReady: (port: number) => void = () => undefined;
  let onClosed: () => void = () => undefined;
  const ready = new Promise<number>((resolve, reject) => {
    onReady = resolve;
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the embedded DynamoDB exited at start (${code})`)));
  });
  const closed = new Promise<void>((resolve) => {
    onClosed = resolve;
  });
  const answer = ([id, status, body]: DynamoReplyMessage): void => {
    const waiter = pending.get(id);
    if (!waiter) return;
    pending.delete(id);
    if (status >= 200 && status < 300) {
      waiter.resolve(body ? JSON.parse(body) : {});
      return;
    }
    let parsed: { __type?: string; message?: string; Message?: string } = {};
    try {
      parsed = body ? JSON.parse(body) : {};
    } catch {
      // Not JSON: the status says enough.
    }
    const name = (parsed.__type ?? `Http${status}`).split('#').at(-1) ?? `Http${status}`;
    waiter.reject(new AwsServiceError(name, parsed.message ?? parsed.Message ?? `dynamodb failed with ${status}`, status));
  };
  worker.on('message', (message: DynamoReplyMessage[] | DynamoControlMessage) => {
    if (Array.isArray(message)) {
      for (const reply of message) answer(reply);
      return;
    }
    if (message.type === 'ready') onReady(message.port);
    else onClosed();
  });
  // A thread that dies (dynalite throws from a callback, as it would have ended the process before)
  // fails the calls in flight and every later one: the router answers them as a store error.
  const fail = (error: Error): void => {
    stopped ??= error;
    for (const waiter of pending.values()) waiter.reject(error);
    pending.clear();
  };
  worker.on('error', (error) => fail(new Error(`the embedded DynamoDB stopped: ${error.message}`, { cause: error })));
  worker.on('exit', () => fail(new Error('the embedded DynamoDB is closed')));

  const port = await ready;
  // Calls made in the same turn of the event loop go in one message, sent when the turn's I/O
  // callbacks are done (each message wakes the thread; under load a turn starts many calls).
  let outbox: DynamoRequestMessage[] = [];
  const flush = (): void => {
    const batch = outbox;
    outbox = [];
    if (!stopped) worker.postMessage(batch);
  };
  const call = <T>(operation: string, input: unknown): Promise<T> => {
    if (stopped) return Promise.reject(stopped);
    return new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      if (outbox.length === 0) setImmediate(flush);
      outbox.push([id, operation, JSON.stringify(input)]);
    });
  };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    api: {
      getItem: (input) => call('GetItem', input),
      putItem: (input) => call('PutItem', input),
      updateItem: (input) => call('UpdateItem', input),
      query: (input) => call('Query', input),
      scan: (input) => call('Scan', input),
      transactWriteItems: (input) => call('TransactWriteItems', input),
      destroy: () => undefined,
    },
    close: async () => {
      if (stopped) return;
      // Calls still in flight are answered before the database closes (bounded: a stuck call must
      // not hold the shutdown forever).
      for (let waited = 0; pending.size > 0 && waited < 10_000; waited += 5) await sleep(5);
      // dynalite closes LevelDB once its pending operations are done, then says so; the thread ends.
      worker.postMessage({ type: 'close' });
      await Promise.race([closed, once(worker, 'exit'), sleep(30_000, undefined, { ref: false })]);
      await worker.terminate();
    },
  };
};

/**
 * Creates the tables the CDK stack deploys, from the same definitions, where they are missing, and
 * waits until each is ACTIVE. Returns the name each table has here. A table found CREATING at
 * start was left half-made by an interrupted earlier start (dynalite flips it to ACTIVE on a timer
 * that died with that process, and refuses to delete it): it holds no data, so the next free name
 * (`<name>-1`, ...) is used instead, the same one on every later start.
 * TTL is not enabled: dynalite lacks UpdateTimeToLive, and TTL only cleans up (windows are keyed by time).
 */
export const ensureTables = async (
  client: DynamoDBClient,
  tables: readonly TableDefinition[],
  tableName: (table: TableDefinition) => string,
): Promise<Map<TableDefinition, string>> => {
  const names = new Map<TableDefinition, string>();
  for (const table of tables) {
    for (let attempt = 0; ; attempt++) {
      const name = attempt === 0 ? tableName(table) : `${tableName(table)}-${attempt}`;
      const status = await tableStatus(client, name);
      if (status === 'CREATING' || status === 'DELETING') continue;
      if (status === undefined) await createTable(client, table, name);
      await waitUntilActive(client, name);
      names.set(table, name);
      break;
    }
  }
  return names;
};

const tableStatus = async (client: DynamoDBClient, name: string): Promise<string | undefined> => {
  try {
    return (await client.send(new DescribeTableCommand({ TableName: name }))).Table?.TableStatus;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
};

const waitUntilActive = async (client: DynamoDBClient, name: string): Promise<void> => {
  for (let waited = 0; waited < 5_000; waited += 20) {
    if ((await tableStatus(client, name)) === 'ACTIVE') return;
    await sleep(20);
  }
  throw new Error(`The local table ${name} did not become ACTIVE.`);
};

const createTable = async (client: DynamoDBClient, table: TableDefinition, name: string): Promise<void> => {
  const attributes = new Map<string, 'S' | 'N'>();
  for (const attribute of [
    table.partitionKey,
    table.sortKey,
    ...table.globalIndexes.flatMap((index) => [index.partitionKey, index.sortKey]),
  ]) {
    if (attribute) attributes.set(attribute.name, attribute.type);
  }
  try {
    await client.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [...attributes].map(([AttributeName, AttributeType]) => ({ AttributeName, AttributeType })),
        KeySchema: [
          { AttributeName: table.partitionKey.name, KeyType: 'HASH' },
          ...(table.sortKey ? [{ AttributeName: table.sortKey.name, KeyType: 'RANGE' as const }] : []),
        ],
        ...(table.globalIndexes.length > 0
          ? {
              GlobalSecondaryIndexes: table.globalIndexes.map((index) => ({
                IndexName: index.name,
                KeySchema: [
                  { AttributeName: index.partitionKey.name, KeyType: 'HASH' as const },
                  ...(index.sortKey ? [{ AttributeName: index.sortKey.name, KeyType: 'RANGE' as const }] : []),
                ],
                Projection: { ProjectionType: 'ALL' as const },
              })),
            }
          : {}),
      }),
    );
  } catch (error) {
    // Created meanwhile by another process on the same data directory: fine, it is waited for.
    if (!(error instanceof ResourceInUseException)) throw error;
  }
};
