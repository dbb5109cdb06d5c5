import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { afterEach, expect, test } from 'vitest';
import { createDynamoClient } from '#local/dynamo-client.ts';
import { limitsTable } from '#shared/store/tables.ts';
import { type Harness, startHarness } from './harness.ts';

// When DynamoDB cannot answer for the limits, the config decides: refuse (the default) or admit.
// The failure is real: the limits table is deleted under the running router.

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const breakLimitsTable = async (running: Harness): Promise<void> => {
  const client = createDynamoClient({ endpoint: running.router.dynamoEndpoint });
  await client.send(new DeleteTableCommand({ TableName: running.router.tableName(limitsTable) }));
  client.destroy();
};

const chat = (running: Harness, key: string) =>
  running.fetch('/v1/chat/completions', {
    method: 'POST',
    key,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'mock-small', messages: [{ role: 'user', content: 'hi' }] }),
  });

test('fail closed (default): 503 limits_unavailable, logged and counted', async () => {
  // Prepare
  harness = await startHarness();
  const { key } = await harness.createKey();
  expect((await chat(harness, key)).status).toBe(200);
  await breakLimitsTable(harness);

  // Act
  const response = await chat(harness, key);

  // Assess
  expect(response.status).toBe(503);
  expect(await response.json()).toMatchObject({
    error: { code: 'limits_unavailable', message: 'Rate limits cannot be checked right now; try again shortly.' },
  });
  expect(harness.router.runtime.counters.get('limits.store_error')).toBe(1);
});

test('fail open: the request is served without limits', async () => {
  // Prepare
  harness = await startHarness({ configure: (config) => Object.assign(config, { limits: { onStoreError: 'open' } }) });
  const { key } = await harness.createKey();
  expect((await chat(harness, key)).status).toBe(200);
  await breakLimitsTable(harness);

  // Act
  const response = await chat(harness, key);

  // Assess
  expect(response.status).toBe(200);
  expect(response.headers.get('x-ratelimit-limit-requests')).toBeNull();
  expect(harness.router.runtime.counters.get('limits.store_error')).toBe(1);
});
