import { describe, expect, test } from 'vitest';
import { AwsServiceError } from '#shared/aws/aws-json-client.ts';
import { createLimitsStore } from '#shared/limits/limits-store.ts';
import { minuteWindow } from '#shared/limits/windows.ts';
import type { DynamoApi } from '#shared/store/dynamo-api.ts';

// Failures DynamoDB answers but an embedded one never produces (throttling, internal errors):
// a fake API, the only place these tests do not use a real server.

const failingApi = (failures: unknown[]): { api: DynamoApi; calls: () => number } => {
  let calls = 0;
  const api = {
    updateItem: async () => {
      calls += 1;
      const failure = failures.shift();
      if (failure) throw failure;
      return {};
    },
  } as unknown as DynamoApi;
  return { api, calls: () => calls };
};

const window = minuteWindow(new Date('2026-11-25T10:00:00Z'));
const delta = { requests: 0, tokens: -500, spendMicros: 0 };

describe('LimitsStore.adjust', () => {
  test('a correction refused by throttling is sent again until it is applied', async () => {
    // Prepare
    const throttled = () => new AwsServiceError('ProvisionedThroughputExceededException', 'slow down', 400);
    const { api, calls } = failingApi([throttled(), throttled()]);
    const store = createLimitsStore(api, 'limits', { retryDelaysMs: [1, 1, 1] });

    // Act
    await store.adjust('key#k', window, delta);

    // Assess
    expect(calls()).toBe(3);
  });

  test('a correction with an unknown outcome is not sent again (it could count twice)', async () => {
    // Prepare
    const { api, calls } = failingApi([new AwsServiceError('InternalServerError', 'oops', 500)]);
    const store = createLimitsStore(api, 'limits', { retryDelaysMs: [1, 1, 1] });

    // Act
    const error = await store.adjust('key#k', window, delta).catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(AwsServiceError);
    expect(calls()).toBe(1);
  });

  test('a correction that never reached the service is sent again', async () => {
    // Prepare
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const { api, calls } = failingApi([refused]);
    const store = createLimitsStore(api, 'limits', { retryDelaysMs: [1] });

    // Act
    await store.adjust('key#k', window, delta);

    // Assess
    expect(calls()).toBe(2);
  });

  test('throttling that outlasts the retries is reported', async () => {
    // Prepare
    const throttled = () => new AwsServiceError('ThrottlingException', 'slow down', 400);
    const { api, calls } = failingApi([throttled(), throttled(), throttled()]);
    const store = createLimitsStore(api, 'limits', { retryDelaysMs: [1, 1] });

    // Act
    const error = await store.adjust('key#k', window, delta).catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(AwsServiceError);
    expect(calls()).toBe(3);
  });
});
