import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Counters } from '../observability/counters.ts';
import type { EventEntry, EventsApi } from './eventbridge-client.ts';
import { detailTypeOf, type UsageEventDetail } from './usage-event.ts';

/** PutEvents takes at most 10 entries per call. */
const MAX_ENTRIES = 10;

export interface EventPublisher {
  /** Never throws: an event that cannot be published is logged in full and counted. */
  publish(details: readonly UsageEventDetail[]): Promise<void>;
}

export interface EventBridgePublisherOptions {
  client: EventsApi;
  busName: string;
  source: string;
  logger: Logger;
  counters: Counters;
  /** Resends of failed entries after the first try. */
  retries?: number;
  baseDelayMs?: number;
}

/**
 * Publishes usage events with PutEvents: batched up to the API's limit, each failed entry resent
 * (entries fail one by one, so only those are resent), and after the last try the events that
 * still failed are logged with their full detail so they can be replayed, and counted.
 */
export const createEventBridgePublisher = (options: EventBridgePublisherOptions): EventPublisher => {
  const { client, busName, source, logger, counters, retries = 3, baseDelayMs = 100 } = options;
  const toEntry = (detail: UsageEventDetail): EventEntry => ({
    EventBusName: busName,
    Source: source,
    DetailType: detailTypeOf(detail),
    Detail: JSON.stringify(detail),
    Time: Math.floor(Date.parse(detail.timestamp) / 1000),
  });

  const sendBatch = async (batch: UsageEventDetail[]): Promise<UsageEventDetail[]> => {
    let pending = batch;
    for (let attempt = 0; attempt <= retries && pending.length > 0; attempt++) {
      if (attempt > 0) await sleep(baseDelayMs * 2 ** (attempt - 1));
      try {
        const result = await client.putEvents({ Entries: pending.map(toEntry) });
        const entries = result.Entries ?? [];
        pending = pending.filter(
          (_detail, index) => entries[index]?.ErrorCode !== undefined || entries[index]?.EventId === undefined,
        );
        if (pending.length > 0)
          logger.warn('some usage events were not accepted; resending', { failed: pending.length, attempt });
      } catch (error) {
        logger.warn('PutEvents failed; resending', { attempt, error: error as Error });
      }
    }
    return pending;
  };

  return {
    async publish(details) {
      for (let i = 0; i < details.length; i += MAX_ENTRIES) {
        const lost = await sendBatch(details.slice(i, i + MAX_ENTRIES));
        for (const detail of lost) {
          counters.increment('events.publish_failed');
          logger.error('usage event not published', { usageEvent: detail });
        }
        counters.increment('events.published', Math.min(MAX_ENTRIES, details.length - i) - lost.length);
      }
    },
  };
};
