import type { IncomingMessage } from 'node:http';
import { createDynamoClient } from '#local/dynamo-client.ts';
import { ensureTables, startEmbeddedDynamo } from '#local/embedded-dynamodb.ts';
import { type TableDefinition, tableDefinitions } from '#shared/store/tables.ts';
import { serve } from './ipc.ts';

// The embedded DynamoDB (dynalite, in memory) with a count of the requests it receives by
// operation and table (`UpdateItem inference-router-local-limits`). Run as a process by the
// benchmark (`node bench/dynalite-server.ts`), or started in process by dynamodb-calls.ts.

export interface CountingDynalite {
  endpoint: string;
  /** Requests received, keyed `Operation table`. */
  calls: Map<string, number>;
  close(): Promise<void>;
}

/** The local server's table names; the benchmark's router uses them too (KEYS_TABLE...). */
export const benchTableName = (table: TableDefinition): string => `inference-router-local-${table.id}`;

const TABLE_NAME = /"TableName"\s*:\s*"([^"]+)"/;

export const startCountingDynalite = async (): Promise<CountingDynalite> => {
  const dynamo = await startEmbeddedDynamo();
  // The load generator holds its connections for the whole run.
  dynamo.server.keepAliveTimeout = 60_000;
  const calls = new Map<string, number>();
  dynamo.server.on('request', (request: IncomingMessage) => {
    const operation =
      String(request.headers['x-amz-target'] ?? 'unknown')
        .split('.')
        .at(-1) ?? 'unknown';
    // dynalite reads the body with its own 'data' listener; a second one sees the same chunks.
    // The table name is near the start of every request the router sends.
    request.once('data', (chunk: Buffer) => {
      const table = TABLE_NAME.exec(chunk.toString('utf8', 0, Math.min(chunk.length, 512)))?.[1] ?? '?';
      const name = `${operation} ${table}`;
      calls.set(name, (calls.get(name) ?? 0) + 1);
    });
  });
  return { endpoint: dynamo.endpoint, calls, close: dynamo.close };
};

if (import.meta.main) {
  const dynamo = await startCountingDynalite();
  const client = createDynamoClient({ endpoint: dynamo.endpoint });
  await ensureTables(client, tableDefinitions, benchTableName);
  client.destroy();
  dynamo.calls.clear();
  serve({ counts: () => Object.fromEntries(dynamo.calls) }, { endpoint: dynamo.endpoint });
}
