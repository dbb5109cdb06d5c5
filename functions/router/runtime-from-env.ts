import { Logger } from '@aws-lambda-powertools/logger';
import { z } from 'zod';
import { loadConfig } from '#shared/config/load-config.ts';
import { awsSecretFetcher } from '#shared/config/resolve-secrets.ts';
import { createRuntime, type RouterRuntime } from '#shared/runtime.ts';
import { createDynamoClient } from '#shared/store/dynamo-client.ts';

/** The router Lambda's environment, validated once at cold start. */
const envSchema = z.object({
  ROUTER_CONFIG: z.string().optional(),
  KEYS_TABLE: z.string().min(1, 'KEYS_TABLE must name the API keys table'),
  LIMITS_TABLE: z.string().min(1, 'LIMITS_TABLE must name the rate-limit table'),
  DYNAMODB_ENDPOINT: z.url().optional(),
  ADMIN_KEY: z.string().min(16).optional(),
  ADMIN_KEY_SECRET_ARN: z.string().startsWith('arn:aws:secretsmanager:').optional(),
});

export const loadRuntimeFromEnv = async (rawEnv: NodeJS.ProcessEnv): Promise<RouterRuntime> => {
  const env = envSchema.parse(rawEnv);
  const logger = new Logger({ serviceName: 'inference-router' });
  const { config } = await loadConfig(env.ROUTER_CONFIG ?? 'config/local.json', { explicit: env.ROUTER_CONFIG !== undefined });
  const adminKey = env.ADMIN_KEY ?? (env.ADMIN_KEY_SECRET_ARN ? await awsSecretFetcher(env.ADMIN_KEY_SECRET_ARN) : undefined);
  return createRuntime({
    config,
    env: rawEnv,
    dynamo: createDynamoClient({ endpoint: env.DYNAMODB_ENDPOINT }),
    keysTableName: env.KEYS_TABLE,
    limitsTableName: env.LIMITS_TABLE,
    adminKey,
    logger,
  });
};
