import { Logger } from '@aws-lambda-powertools/logger';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import * as z from 'zod';
import { createSqsSetAside } from '#shared/billing/dead-letter.ts';
import { createLagoSender } from '#shared/billing/lago-client.ts';
import { loadConfig } from '#shared/config/load-config.ts';
import { resolveAvailableSecrets, withSecretEnvironment } from '#shared/config/resolve-secrets.ts';
import { Counters } from '#shared/observability/counters.ts';
import { createLagoSyncHandler } from './create-handler.ts';
import { requeueDelayed, watchKey } from './wait-for-key.ts';

const env = z
  .object({
    ROUTER_CONFIG: z.string().min(1),
    LAGO_DLQ_URL: z.url(),
    /** This function's own queue: events wait there while the Lago key is missing. */
    LAGO_QUEUE_URL: z.url(),
    SQS_ENDPOINT: z.url().optional(),
    PROVIDER_SECRETS_ARN: z.string().startsWith('arn:aws:secretsmanager:').optional(),
  })
  .parse(process.env);

const { config } = await loadConfig(env.ROUTER_CONFIG, { explicit: true });
if (!config.lago) throw new Error('The router config has no "lago" section: there is nothing to sync.');
const lago = config.lago;
const logger = new Logger({ serviceName: 'inference-router-lago-sync' });
const counters = new Counters();
const sqs = new SQSClient(
  env.SQS_ENDPOINT ? { endpoint: env.SQS_ENDPOINT, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {},
);

// The Lago key is read like provider keys: `env:LAGO_API_KEY`, from the environment or the secret.
const currentKey = watchKey(async () => {
  const secretEnv = await withSecretEnvironment(process.env, env.PROVIDER_SECRETS_ARN);
  const { values, problems } = await resolveAvailableSecrets([{ label: 'lago.apiKey', ref: lago.apiKey }], secretEnv);
  for (const problem of problems) logger.error('Lago key missing: usage events wait in the queue', { reason: problem.reason });
  return values.get(lago.apiKey);
});

const handlers = new Map<string, ReturnType<typeof createLagoSyncHandler>>();
const syncWith = (apiKey: string) => {
  let handler = handlers.get(apiKey);
  if (!handler) {
    handler = createLagoSyncHandler({
      send: createLagoSender({ baseUrl: lago.baseUrl, apiKey }),
      eventCode: lago.eventCode,
      setAside: createSqsSetAside(sqs, env.LAGO_DLQ_URL),
      logger,
      counters,
    });
    handlers.set(apiKey, handler);
  }
  return handler;
};

export const handler = async (event: SQSEvent, context: Parameters<ReturnType<typeof createLagoSyncHandler>>[1]) => {
  const apiKey = await currentKey();
  if (apiKey !== undefined) return syncWith(apiKey)(event, context);
  const records = event.Records.map((record) => ({ messageId: record.messageId, body: record.body }));
  const failed = await requeueDelayed(sqs, env.LAGO_QUEUE_URL, records);
  counters.increment('lago.waiting_for_key', records.length - failed.length);
  logger.warn('no Lago key yet: events sent back to wait', { waiting: records.length - failed.length, failed: failed.length });
  return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) } satisfies SQSBatchResponse;
};
