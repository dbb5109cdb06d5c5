import type { Logger } from '@aws-lambda-powertools/logger';
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { LagoSender } from '#shared/billing/lago-client.ts';
import { type QueuedRecord, syncToLago } from '#shared/billing/lago-sync.ts';
import type { Counters } from '#shared/observability/counters.ts';

export interface LagoSyncHandlerDeps {
  send: LagoSender;
  eventCode: string;
  setAside: (record: QueuedRecord, reason: string) => Promise<void>;
  logger: Logger;
  counters: Counters;
  retries?: number;
  baseDelayMs?: number;
}

/** The Lago-sync Lambda: an SQS consumer (batches of up to 100) with partial batch responses. */
export const createLagoSyncHandler = (deps: LagoSyncHandlerDeps) =>
  middy<SQSEvent, SQSBatchResponse>().handler((event) =>
    syncToLago(
      event.Records.map((record) => ({ messageId: record.messageId, body: record.body })),
      deps,
    ),
  );
