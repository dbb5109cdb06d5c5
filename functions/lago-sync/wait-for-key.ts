import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { QueuedRecord } from '#shared/billing/lago-sync.ts';

// Until the Lago key is in the secret (day one), events must wait in their queue, not run out
// their receives into the dead-letter queue: each is sent back with the queue's longest delay, a
// new message with its receive count at zero, and the original is then deleted by the batch's
// success. The key is looked up again at most once a minute, so setting it takes effect without
// a redeploy.

/** SQS's longest per-message delay. */
export const WAIT_DELAY_SECONDS = 900;

/** Resolves the key, and while it is missing, tries again at most every `intervalMs`. */
export const watchKey = (
  resolve: () => Promise<string | undefined>,
  options: { intervalMs?: number; now?: () => number } = {},
): (() => Promise<string | undefined>) => {
  const intervalMs = options.intervalMs ?? 60_000;
  const now = options.now ?? Date.now;
  let key: string | undefined;
  let checkedAt = Number.NEGATIVE_INFINITY;
  return async () => {
    if (key !== undefined || now() - checkedAt < intervalMs) return key;
    checkedAt = now();
    key = await resolve().catch(() => undefined);
    return key;
  };
};

/** Sends the records back to their queue, delayed; returns the ids that could not be (left to the queue's retry). */
export const requeueDelayed = async (
  client: SQSClient,
  queueUrl: string,
  records: readonly QueuedRecord[],
): Promise<string[]> => {
  const failed: string[] = [];
  for (let i = 0; i < records.length; i += 10) {
    const batch = records.slice(i, i + 10);
    try {
      const result = await client.send(
        new SendMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: batch.map((record, index) => ({
            Id: String(index),
            MessageBody: record.body,
            DelaySeconds: WAIT_DELAY_SECONDS,
          })),
        }),
      );
      for (const entry of result.Failed ?? []) {
        const record = batch[Number(entry.Id)];
        if (record) failed.push(record.messageId);
      }
    } catch {
      failed.push(...batch.map((record) => record.messageId));
    }
  }
  return failed;
};
