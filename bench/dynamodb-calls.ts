import { startLocalServer } from '#local/server.ts';

// DynamoDB requests per router request, counted at the embedded DynamoDB itself: a warm key
// cache should leave one conditional write for admission and one write for reconciliation.

export interface DynamoCallsResult {
  requests: number;
  perRequest: Record<string, number>;
}

export const measureDynamoCalls = async (requests = 200): Promise<DynamoCallsResult> => {
  const server = await startLocalServer({
    // Limits high enough that every request is admitted: refusals would add a read each.
    config: { models: [{ id: 'mock', provider: 'mock' }], defaults: { limits: { rpm: 1_000_000, tpm: 1_000_000_000 } } },
    adminKey: 'sk-admin-bench-0123456789',
    logLevel: 'SILENT',
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
    // The reconciliation of the last warm-up request runs after its response: let it land.
    await new Promise((resolve) => setTimeout(resolve, 50));
    server.dynamoCalls.clear();
    for (let i = 0; i < requests; i++) await call();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const perRequest = Object.fromEntries(
      [...server.dynamoCalls].map(([operation, count]) => [operation, Math.round((count / requests) * 100) / 100]),
    );
    return { requests, perRequest };
  } finally {
    await server.close();
  }
};
