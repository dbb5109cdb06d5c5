import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { requeueDelayed, WAIT_DELAY_SECONDS, watchKey } from '#functions/lago-sync/wait-for-key.ts';
import { type MotoServer, startMotoServer } from '#test/fixtures/moto-server.ts';

// Day one with Lago on and no Lago key yet: events go back to their queue, delayed, instead of
// running out their receives into the dead-letter queue. Against moto's SQS.

let moto: MotoServer;
let sqs: SQSClient;
let queueUrl: string;

beforeAll(async () => {
  moto = await startMotoServer();
  sqs = new SQSClient({
    endpoint: moto.endpoint,
    region: moto.region,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'lago-wait' }))).QueueUrl ?? '';
});
afterAll(async () => {
  sqs.destroy();
  await moto.close();
});

describe('requeueDelayed', () => {
  test('sends every record back as a new, delayed message (a fresh receive count), in batches of 10', async () => {
    // Prepare
    const records = Array.from({ length: 23 }, (_, index) => ({ messageId: `m-${index}`, body: JSON.stringify({ n: index }) }));

    // Act
    const failed = await requeueDelayed(sqs, queueUrl, records);
    const visibleNow = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }));

    // Assess: nothing failed, and nothing is visible yet (all wait out the delay).
    expect(failed).toEqual([]);
    expect(visibleNow.Messages ?? []).toEqual([]);
    expect(WAIT_DELAY_SECONDS).toBe(900);
  });

  test('records SQS refuses are reported, so the batch leaves them to the queue', async () => {
    // Act
    const failed = await requeueDelayed(sqs, `${queueUrl}-missing`, [{ messageId: 'm-x', body: '{}' }]);

    // Assess
    expect(failed).toEqual(['m-x']);
  });
});

describe('watchKey', () => {
  test('looks the key up again at most once a minute while it is missing, then keeps it', async () => {
    // Prepare
    let now = 0;
    let lookups = 0;
    let stored: string | undefined;
    const current = watchKey(
      async () => {
        lookups += 1;
        return stored;
      },
      { now: () => now },
    );

    // Act and assess
    expect(await current()).toBeUndefined();
    now = 30_000;
    expect(await current()).toBeUndefined();
    expect(lookups).toBe(1);
    stored = 'lago-key';
    now = 61_000;
    expect(await current()).toBe('lago-key');
    now = 500_000;
    stored = undefined;
    expect(await current()).toBe('lago-key');
    expect(lookups).toBe(2);
  });
});
