import { once } from 'node:events';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import type { TableDefinition } from '#shared/store/tables.ts';

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
