import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '@aws-lambda-powertools/logger';
import { DETAIL_TYPE_COMPLETED, usageEventSchema } from '../events/usage-event.ts';
import type { Counters } from '../observability/counters.ts';
import type { LagoSender } from './lago-client.ts';
import { type LagoEvent, toLagoEvent } from './lago-event.ts';

/** The parts of an SQS record the sync needs. */
export interface QueuedRecord {
  messageId: string;
  body: string;
}

export interface LagoSyncDeps {
  send: LagoSender;
  eventCode: string;
  /** Puts a record aside in the dead-letter queue with the reason it cannot be billed. */
  setAside: (record: QueuedRecord, reason: string) => Promise<void>;
  logger: Logger;
  counters: Counters;
  /** Resends of a batch Lago could not take (429/5xx/unreachable) within one invocation. */
  retries?: number;
  baseDelayMs?: number;
  /** A longer wait (Lago's rate-limit reset) is left to the queue's visibility timeout instead. */
  maxWaitMs?: number;
}

export interface BatchResult {
  /** SQS partial batch response: only these messages return to the queue. */
  batchItemFailures: Array<{ itemIdentifier: string }>;
}

/** Lago's batch endpoint takes at most 100 events. */
const LAGO_BATCH = 100;

const isDuplicateOnly = (details: Record<string, unknown>): boolean => {
  const fields = Object.entries(details);
  return (
    fields.length === 1 && fields[0]?.[0] === 'transaction_id' && JSON.stringify(fields[0]?.[1]).includes('value_already_exist')
  );
};

/**
 * Sends a batch of queued usage events to Lago, so that each request is billed exactly once:
 * - a batch is atomic in Lago, so a 422 is split by index: duplicates (`value_already_exist`) were
 *   billed before and count as delivered; invalid events go to the dead-letter queue with Lago's
 *   reason; the rest is sent again;
 * - 429/5xx/unreachable are retried with backoff, then the messages return to the queue (partial
 *   batch failure) and, after the queue's max receives, reach its dead-letter queue;
 * - events that can never be billed (unreadable, no subscription) are set aside at once.
 */
export const syncToLago = async (records: readonly QueuedRecord[], deps: LagoSyncDeps): Promise<BatchResult> => {
  const { logger, counters, retries = 3, baseDelayMs = 200, maxWaitMs = 5_000 } = deps;
  const failures: string[] = [];
  const pending: Array<{ record: QueuedRecord; event: LagoEvent }> = [];
  const seen = new Set<string>();

  const setAside = async (record: QueuedRecord, reason: string): Promise<void> => {
    try {
      await deps.setAside(record, reason);
      counters.increment('lago.set_aside');
      logger.warn('usage event set aside', { messageId: record.messageId, reason });
    } catch (error) {
      // Could not park it: let the queue redeliver it (and its own redrive policy catch it).
      logger.error('could not set a usage event aside', { messageId: record.messageId, error: error as Error });
      failures.push(record.messageId);
    }
  };

  for (const record of records) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(record.body);
    } catch {
      await setAside(record, 'invalid_event: body is not JSON');
      continue;
    }
    const result = usageEventSchema.safeParse(parsed);
    if (!result.success) {
      await setAside(
        record,
        `invalid_event: ${result.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`).join('; ')}`,
      );
      continue;
    }
    if (result.data['detail-type'] !== DETAIL_TYPE_COMPLETED) {
      // Only served requests are billed; the rule filters failed ones out, this guards a misrouted one.
      counters.increment('lago.skipped');
      continue;
    }
    const event = toLagoEvent(result.data.detail, deps.eventCode);
    if (!event) {
      await setAside(record, `missing_subscription: tenant ${result.data.detail.tenant} has no Lago subscription id`);
      continue;
    }
    // At-least-once delivery can put the same event twice in one batch; Lago would reject the batch.
    if (seen.has(event.transaction_id)) {
      counters.increment('lago.duplicates');
      continue;
    }
    seen.add(event.transaction_id);
    pending.push({ record, event });
  }

  for (let start = 0; start < pending.length; start += LAGO_BATCH) {
    let chunk = pending.slice(start, start + LAGO_BATCH);
    let attempt = 0;
    while (chunk.length > 0) {
      const result = await deps.send(chunk.map((item) => item.event));
      if (result.ok) {
        counters.increment('lago.sent', chunk.length);
        break;
      }
      if (result.status === 422 && !result.errorDetails) {
        // Lago refused the batch without saying which event: resending cannot help, so keep its reason.
        for (const item of chunk) await setAside(item.record, `lago_rejected: ${result.message}`);
        break;
      }
      if (result.status === 422 && result.errorDetails) {
        const details = result.errorDetails;
        const rejected = new Set<number>();
        for (const [index, fields] of Object.entries(details)) {
          const item = chunk[Number(index)];
          if (!item) continue;
          rejected.add(Number(index));
          if (isDuplicateOnly(fields)) counters.increment('lago.duplicates');
          else await setAside(item.record, `lago_rejected: ${JSON.stringify(fields)}`);
        }
        if (rejected.size === 0) {
          // A 422 that names no event: nothing can be learned by resending.
          for (const item of chunk) await setAside(item.record, `lago_rejected: ${result.message}`);
          break;
        }
        chunk = chunk.filter((_item, index) => !rejected.has(index));
        continue;
      }
      const transient = result.status === 0 || result.status === 429 || result.status >= 500;
      const wait = result.retryAfterMs ?? baseDelayMs * 2 ** attempt;
      if (!transient || attempt >= retries || wait > maxWaitMs) {
        logger.error('Lago did not take the batch; it returns to the queue', {
          status: result.status,
          events: chunk.length,
          message: result.message,
        });
        counters.increment('lago.failed', chunk.length);
        failures.push(...chunk.map((item) => item.record.messageId));
        break;
      }
      await sleep(wait);
      attempt += 1;
    }
  }
  return { batchItemFailures: failures.map((itemIdentifier) => ({ itemIdentifier })) };
};
