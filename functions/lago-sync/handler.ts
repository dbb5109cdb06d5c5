import { Logger } from '@aws-lambda-powertools/logger';
import { SQSClient } from '@aws-sdk/client-sqs';
import * as z from 'zod';
import { createSqsSetAside } from '#shared/billing/dead-letter.ts';
import { createLagoSender } from '#shared/billing/lago-client.ts';
import { loadConfig } from '#shared/config/load-config.ts';
import { resolveSecrets, withSecretEnvironment } from '#shared/config/resolve-secrets.ts';
import { Counters } from '#shared/observability/counters.ts';
import { createLagoSyncHandler } from './create-handler.ts';

const env = z
  .object({
    ROUTER_CONFIG: z.string().min(1),
    LAGO_DLQ_URL: z.url(),
    SQS_ENDPOINT: z.url().optional(),
    PROVIDER_SECRETS_ARN: z.string().startsWith('arn:aws:secretsmanager:').optional(),
  })
  .parse(process.env);

const { config } = await loadConfig(env.ROUTER_CONFIG, { explicit: true });
if (!config.lago) throw new Error('The router config has no "lago" section: there is nothing to sync.');
// The Lago key is read like provider keys: `env:LAGO_API_KEY`, from the environment or the secret.
const secretEnv = await withSecretEnvironment(process.env, env.PROVIDER_SECRETS_ARN);
const apiKey = (await resolveSecrets([{ label: 'lago.apiKey', ref: config.lago.apiKey }], secretEnv)).get(
  config.lago.apiKey,
) as string;
const sqs = new SQSClient(
  env.SQS_ENDPOINT ? { endpoint: env.SQS_ENDPOINT, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {},
);

export const handler = createLagoSyncHandler({
  send: createLagoSender({ baseUrl: config.lago.baseUrl, apiKey }),
  eventCode: config.lago.eventCode,
  setAside: createSqsSetAside(sqs, env.LAGO_DLQ_URL),
  logger: new Logger({ serviceName: 'inference-router-lago-sync' }),
  counters: new Counters(),
});
