import { Logger } from '@aws-lambda-powertools/logger';
import * as z from 'zod';
import { createUsageStore } from '#shared/metering/usage-store.ts';
import { Counters } from '#shared/observability/counters.ts';
import { createDynamoApi } from '#shared/store/dynamo-api.ts';
import { createMeteringHandler } from './create-handler.ts';

const env = z.object({ USAGE_TABLE: z.string().min(1), DYNAMODB_ENDPOINT: z.url().optional() }).parse(process.env);

export const handler = createMeteringHandler({
  usage: createUsageStore(createDynamoApi({ endpoint: env.DYNAMODB_ENDPOINT }), env.USAGE_TABLE),
  logger: new Logger({ serviceName: 'inference-router-metering' }),
  counters: new Counters(),
});
