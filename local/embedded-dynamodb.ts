import { once } from 'node:events';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, type DynamoDBClient, ResourceInUseException } from '@aws-sdk/client-dynamodb';
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
 * Creates the tables the CDK stack deploys, from the same definitions, if they are missing.
 * TTL is not enabled: dynalite lacks UpdateTimeToLive, and TTL only cleans up (windows are keyed by time).
 */
export const ensureTables = async (
  client: DynamoDBClient,
  tables: readonly TableDefinition[],
  tableName: (table: TableDefinition) => string,
): Promise<void> => {
  for (const table of tables) {
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
          TableName: tableName(table),
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
      if (!(error instanceof ResourceInUseException)) throw error;
    }
  }
};
