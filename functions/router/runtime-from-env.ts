import { Logger } from '@aws-lambda-powertools/logger';
import * as z from 'zod';
import { loadConfig } from '#shared/config/load-config.ts';
import { awsSecretFetcher, withSecretEnvironment } from '#shared/config/resolve-secrets.ts';
import { createEventBridgePublisher } from '#shared/events/event-publisher.ts';
import { createEventsApi } from '#shared/events/eventbridge-client.ts';
import { DEFAULT_EVENT_SOURCE } from '#shared/events/usage-event.ts';
import { createDynamoApi } from '#shared/store/dynamo-api.ts';
import { createRuntime, type RouterRuntime } from './runtime.ts';

/** The router Lambda's environment, validated once at cold start. */
const envSchema = z.object({
  ROUTER_CONFIG: z.string().optional(),
  KEYS_TABLE: z.string().min(1, 'KEYS_TABLE must name the API keys table'),
  LIMITS_TABLE: z.string().min(1, 'LIMITS_TABLE must name the rate-limit table'),
  USAGE_TABLE: z.string().min(1, 'USAGE_TABLE must name the usage table'),
  EVENT_BUS_NAME: z.string().min(1).optional(),
  EVENT_SOURCE: z.string().min(1).default(DEFAULT_EVENT_SOURCE),
  EVENTBRIDGE_ENDPOINT: z.url().optional(),
  DYNAMODB_ENDPOINT: z.url().optional(),
  ADMIN_KEY: z.string().min(16).optional(),
  ADMIN_KEY_SECRET_ARN: z.string().startsWith('arn:aws:secretsmanager:').optional(),
  /** A JSON secret of provider keys (`{"OPENAI_API_KEY": ...}`) that `env:` references also read. */
  PROVIDER_SECRETS_ARN: z.string().startsWith('arn:aws:secretsmanager:').optional(),
  /** The metrics' `service` dimension, one per environment (set by the stack). */
  METRICS_SERVICE: z.string().min(1).optional(),
});

export const loadRuntimeFromEnv = async (rawEnv: NodeJS.ProcessEnv): Promise<RouterRuntime> => {
  const env = envSchema.parse(rawEnv);
  const logger = new Logger({ serviceName: 'inference-router' });
  const { config, warnings } = await loadConfig(env.ROUTER_CONFIG ?? 'config/local.json', {
    explicit: env.ROUTER_CONFIG !== undefined,
  });
  for (const warning of warnings) logger.warn(`config: ${warning}`);
  const adminKey = env.ADMIN_KEY ?? (env.ADMIN_KEY_SECRET_ARN ? await awsSecretFetcher(env.ADMIN_KEY_SECRET_ARN) : undefined);
  return createRuntime({
    config,
    env: await withSecretEnvironment(rawEnv, env.PROVIDER_SECRETS_ARN),
    dynamo: createDynamoApi({ endpoint: env.DYNAMODB_ENDPOINT }),
    keysTableName: env.KEYS_TABLE,
    limitsTableName: env.LIMITS_TABLE,
    usageTableName: env.USAGE_TABLE,
    ...(env.EVENT_BUS_NAME
      ? {
          events: ({ logger: eventLogger, counters }) =>
            createEventBridgePublisher({
              client: createEventsApi(env.EVENTBRIDGE_ENDPOINT),
              busName: env.EVENT_BUS_NAME as string,
              source: env.EVENT_SOURCE,
              logger: eventLogger,
              counters,
            }),
        }
      : {}),
    adminKey,
    logger,
    ...(env.METRICS_SERVICE ? { metricsService: env.METRICS_SERVICE } : {}),
  });
};
