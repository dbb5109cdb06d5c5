import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { type LagoSyncDeps, syncToLago } from '#shared/billing/lago-sync.ts';

/** The Lago-sync Lambda: an SQS consumer (batches of up to 100) with partial batch responses. */
export const createLagoSyncHandler = (deps: LagoSyncDeps) =>
  middy<SQSEvent, SQSBatchResponse>().handler((event) =>
    syncToLago(
      event.Records.map((record) => ({ messageId: record.messageId, body: record.body })),
      deps,
    ),
  );
