import type { GetItemOutput, TransactWriteItemsInput } from '@aws-sdk/client-dynamodb';
import { describe, expect, test } from 'vitest';
import { AwsServiceError } from '#shared/aws/aws-json-client.ts';
import { createUsageStore, MeteringInProgressError } from '#shared/metering/usage-store.ts';
import type { DynamoApi } from '#shared/store/dynamo-api.ts';
import { usageDetail } from '#test/unit/shared/events/usage-detail.ts';

// How the transactional path reads a cancelled transaction. A cancellation changed nothing; the
// marker says why it happened: metered already, in progress elsewhere, or (no marker) a conflict on
// the shared aggregate or a capacity shortfall, which is sent again. Neither dynalite (no
// transactions) nor moto (requests serialized by the test fixture) ever produces the conflict, so a
// scripted DynamoDB does. The real behaviour on a real implementation is in test/integration/moto.

const cancelled = () =>
  new AwsServiceError('TransactionCanceledException', 'Transaction cancelled [None, TransactionConflict]', 400);

/** A DynamoDB whose transactions fail as scripted (undefined: succeeds) and whose marker is `marker`. */
const scripted = (outcomes: Array<Error | undefined>, marker: GetItemOutput = {}) => {
  const transactions: TransactWriteItemsInput[] = [];
  const api = {
    transactWriteItems: async (input: TransactWriteItemsInput) => {
      transactions.push(input);
      const outcome = outcomes.shift();
      if (outcome) throw outcome;
      return {};
    },
    getItem: async () => marker,
  } as unknown as DynamoApi;
  return { api, transactions };
};

describe('createUsageStore: a cancelled transaction', () => {
  test('with no marker (a conflict on the aggregate) is sent again, and meters once it goes through', async () => {
    // Prepare
    const { api, transactions } = scripted([cancelled(), cancelled(), undefined]);

    // Act
    const outcome = await createUsageStore(api, 'usage').meter(usageDetail());

    // Assess
    expect(outcome).toBe('metered');
    expect(transactions).toHaveLength(3);
    expect(new Set(transactions.map((input) => JSON.stringify(input))).size).toBe(1);
  });

  test('that keeps failing is reported after three resends, for the event source to retry', async () => {
    // Prepare
    const { api, transactions } = scripted([cancelled(), cancelled(), cancelled(), cancelled(), undefined]);

    // Act
    const metering = createUsageStore(api, 'usage').meter(usageDetail());

    // Assess
    await expect(metering).rejects.toMatchObject({ name: 'TransactionCanceledException' });
    expect(transactions).toHaveLength(4);
  });

  test('with a "done" marker is a duplicate, not sent again', async () => {
    // Prepare
    const { api, transactions } = scripted([cancelled()], { Item: { state: { S: 'done' } } });

    // Act
    const outcome = await createUsageStore(api, 'usage').meter(usageDetail());

    // Assess
    expect(outcome).toBe('duplicate');
    expect(transactions).toHaveLength(1);
  });

  test('with an "applying" marker is in progress elsewhere: MeteringInProgressError, not sent again', async () => {
    // Prepare
    const { api, transactions } = scripted([cancelled()], { Item: { state: { S: 'applying' } } });

    // Act
    const metering = createUsageStore(api, 'usage').meter(usageDetail({ requestId: 'req-busy' }));

    // Assess
    await expect(metering).rejects.toThrow(MeteringInProgressError);
    expect(transactions).toHaveLength(1);
  });

  test('any other failure is not sent again (its outcome may be unknown)', async () => {
    // Prepare
    const { api, transactions } = scripted([new AwsServiceError('InternalServerError', 'boom', 500)]);

    // Act
    const metering = createUsageStore(api, 'usage').meter(usageDetail());

    // Assess
    await expect(metering).rejects.toMatchObject({ name: 'InternalServerError' });
    expect(transactions).toHaveLength(1);
  });
});
