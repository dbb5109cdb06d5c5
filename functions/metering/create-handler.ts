import type { Logger } from '@aws-lambda-powertools/logger';
import middy from '@middy/core';
import type { EventBridgeEvent } from 'aws-lambda';
import { usageEventSchema } from '#shared/events/usage-event.ts';
import type { UsageStore } from '#shared/metering/usage-store.ts';
import type { Counters } from '#shared/observability/counters.ts';

export interface MeteringDeps {
  usage: UsageStore;
  logger: Logger;
  counters: Counters;
}

/**
 * The metering Lambda, an EventBridge rule target: adds each usage event to its tenant's daily
 * aggregate, at most once per request id. An unreadable event is logged and dropped (a retry
 * cannot fix it); a storage error is thrown so Lambda's asynchronous retries take it again and,
 * in the end, send it to the failure queue (replayable from there or from the archive).
 */
export const createMeteringHandler = (deps: MeteringDeps) =>
  middy<EventBridgeEvent<string, unknown>, void>().handler(async (event) => {
    const parsed = usageEventSchema.safeParse(event);
    if (!parsed.success) {
      deps.counters.increment('metering.invalid');
      deps.logger.error('unreadable usage event dropped', { eventId: event.id, issues: parsed.error.issues });
      return;
    }
    const outcome = await deps.usage.meter(parsed.data.detail);
    deps.counters.increment(`metering.${outcome}`);
  });
