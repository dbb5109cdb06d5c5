import { startLocalServer } from '#local/server.ts';
import { startCountingDynalite } from './dynalite-server.ts';

// DynamoDB requests per router request through `npm start`'s stack (the mock model), counted at
// the embedded DynamoDB itself, by operation and table. A warm key cache should leave one
// conditional write for admission and one write for reconciliation on the limits table. The
// usage table's writes are the metering consumer's (a separate Lambda in AWS, run in process by
// the local server).

export interface DynamoCallsResult {
  requests: number;
  /** `Operation table` -> calls per request. */
  perRequest: Record<string, number>;
}

export const measureDynamoCalls = async (requests = 200): Promise<DynamoCallsResult> => {
  const dynamo = await startCountingDynalite();
  const server = await startLocalServer({
    // Limits high enough that every request is admitted: refusals would add a read each.
    config: { models: [{ id: 'mock', provider: 'mock' }], defaults: { limits: { rpm: 1_000_000, tpm: 1_000_000_000 } } },
    adminKey: 'sk-admin-bench-0123456789',
    logLevel: 'SILENT',
    dynamoEndpoint: dynamo.endpoint,
  });
  try {
    const { key } = await server.runtime.keys.create({ tenant: 'bench', name: 'bench' });
    const call = async () => {
      const response = await fetch(`${server.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'mock', messages: [{ role: 'user', content: 'hello' }] }),
      });
      await response.text();
    };
    for (let i = 0; i < 10; i++) await call();
    // The reconciliation and metering of the last warm-up request run after its response: let them land.
    await server.idle();
    dynamo.calls.clear();
    for (let i = 0; i < requests; i++) await call();
    await server.idle();
    const perRequest = Object.fromEntries(
      [...dynamo.calls]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([operation, count]) => [operation, Math.round((count / requests) * 100) / 100]),
    );
    return { requests, perRequest };
  } finally {
    await server.close();
    await dynamo.close();
  }
};
