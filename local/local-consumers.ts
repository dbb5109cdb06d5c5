import type { Logger } from '@aws-lambda-powertools/logger';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { EventBridgeEvent, SQSEvent } from 'aws-lambda';
import { createLagoSyncHandler } from '#functions/lago-sync/create-handler.ts';
import { createMeteringHandler } from '#functions/metering/create-handler.ts';
import { createSqsSetAside } from '#shared/billing/dead-letter.ts';
import { createLagoSender } from '#shared/billing/lago-client.ts';
import { resolveSecrets, type SecretFetcher } from '#shared/config/resolve-secrets.ts';
import type { RouterConfig } from '#shared/config/schema.ts';
import { createUsageStore } from '#shared/metering/usage-store.ts';
import type { Counters } from '#shared/observability/counters.ts';
import type { DynamoApi } from '#shared/store/dynamo-api.ts';
import { lambdaContext } from './api-gateway-event.ts';
import { type LocalEventBus, type LocalEventBusOptions, startLocalEventBus } from './event-bus.ts';

export type QueueSettings = Pick<
  LocalEventBusOptions,
  'batchSize' | 'batchWindowMs' | 'visibilityTimeoutMs' | 'maxReceiveCount' | 'targetAttempts'
>;

export interface ConsumersOptions {
  config: RouterConfig;
  source: string;
  dynamo: DynamoApi;
  usageTableName: string;
  env: NodeJS.ProcessEnv;
  fetchSecret?: SecretFetcher;
  logger: Logger;
  counters: Counters;
  queues?: QueueSettings;
}

/**
 * The event side of the local runtime: the local bus and, behind it, the same metering and
 * Lago-sync handlers the stack deploys (Lago only when the config has a `lago` section).
 */
export const startConsumers = async (options: ConsumersOptions): Promise<LocalEventBus> => {
  const { config, logger, counters } = options;
  const metering = createMeteringHandler({ usage: createUsageStore(options.dynamo, options.usageTableName), logger, counters });
  let lagoSync: ((event: SQSEvent) => ReturnType<ReturnType<typeof createLagoSyncHandler>>) | undefined;
  let sqs: SQSClient | undefined;
  const busRef: { current?: LocalEventBus } = {};
  if (config.lago) {
    const lago = config.lago;
    const apiKey = (await resolveSecrets([{ label: 'lago.apiKey', ref: lago.apiKey }], options.env, options.fetchSecret)).get(
      lago.apiKey,
    ) as string;
    const handler = createLagoSyncHandler({
      send: createLagoSender({ baseUrl: lago.baseUrl, apiKey }),
      eventCode: lago.eventCode,
      setAside: (record, reason) => {
        const bus = busRef.current as LocalEventBus;
        sqs ??= new SQSClient({
          endpoint: bus.endpoint,
          region: 'us-east-1',
          credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        });
        return createSqsSetAside(sqs, bus.queueUrl('lago-sync-dlq'))(record, reason);
      },
      logger,
      counters,
      baseDelayMs: 50,
    });
    lagoSync = (event) => handler(event, lambdaContext('lago-sync', 60_000));
  }
  const bus = await startLocalEventBus({
    source: options.source,
    metering: (event: EventBridgeEvent<string, unknown>) => metering(event, lambdaContext('metering', 60_000)),
    ...(lagoSync ? { lagoSync } : {}),
    ...options.queues,
    onError: (message, error) => logger.error(message, { error: error as Error }),
  });
  busRef.current = bus;
  const close = bus.close;
  return {
    ...bus,
    close: async () => {
      await close();
      sqs?.destroy();
    },
  };
};
