import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as z from 'zod';

// One environment's deployment settings (infra/env/<name>.json), validated before anything is built.

export const envConfigSchema = z.strictObject({
  /** The router config bundled into the Lambdas (models, routing, limits, Lago). */
  routerConfig: z.string().min(1).default('config/example.json'),
  logLevel: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']).default('INFO'),
  logRetentionDays: z.number().int().positive().default(30),
  /** `retain` keeps tables, queues, secrets, keys and logs when the stack is deleted (use it in prod). */
  removalPolicy: z.enum(['retain', 'destroy']).default('destroy'),
  alarmEmail: z.email().optional(),
  domain: z.strictObject({ name: z.string().min(1), certificateArn: z.string().startsWith('arn:aws:acm:') }).optional(),
  waf: z
    .strictObject({
      enabled: z.boolean().default(true),
      /** Requests per 5 minutes per client IP before WAF blocks it. */
      rateLimitPerIp: z.number().int().min(100).default(2_000),
    })
    .optional(),
  router: z
    .strictObject({
      memoryMb: z.number().int().min(128).max(10_240).default(1_024),
      timeoutSeconds: z.number().int().min(10).max(900).default(300),
      /**
       * Opt-in. Reserves this many concurrent executions for the router (a floor and a ceiling).
       * Lambda keeps 100 of the account's concurrency unreserved, so the account quota must be at
       * least this + 100: new accounts start far lower and the deploy fails (README: "What a first
       * deploy needs").
       */
      reservedConcurrency: z.number().int().positive().optional(),
    })
    .default({ memoryMb: 1_024, timeoutSeconds: 300 }),
  api: z
    .strictObject({
      /**
       * Stage-wide throttling, before any per-key limit (those live in DynamoDB). It caps short
       * requests; streams are capped first by Lambda concurrency (concurrency / stream seconds).
       */
      rateLimit: z.number().positive().default(1_000),
      burstLimit: z.number().int().positive().default(2_000),
    })
    .default({ rateLimit: 1_000, burstLimit: 2_000 }),
  alarms: z
    .strictObject({
      /** 5xx responses as a share of requests, over 5 minutes. */
      errorRatePercent: z.number().positive().default(5),
      /**
       * p99 of the router's time to first token, worst model, over 5 minutes. Not the API's
       * latency: a stream's latency lasts until its last token.
       */
      timeToFirstTokenP99Ms: z.number().positive().default(30_000),
    })
    .default({ errorRatePercent: 5, timeToFirstTokenP99Ms: 30_000 }),
  /** X-Ray tracing of the Lambdas and the router's upstream calls (adds the Powertools Tracer, ~125 KB, to the router bundle). */
  tracing: z.boolean().default(false),
  /** Days the event archive keeps usage events (replays must stay within metering's dedup window). */
  archiveRetentionDays: z.number().int().positive().max(365).default(365),
  lago: z
    .strictObject({
      /**
       * Deploys the Lago-sync Lambda, its queue and rule. `true` requires a `lago` section in the
       * router config (synth fails otherwise); `false` leaves Lago out even when the config has one;
       * absent follows the config.
       */
      enabled: z.boolean().optional(),
      /** Most Lago-sync instances at once (SQS trigger), each sending one batch of up to 100 events at a time: keeps far below Lago's rate limit. */
      maxConcurrency: z.number().int().min(2).max(1_000).default(5),
    })
    .default({ maxConcurrency: 5 }),
  /**
   * API Gateway's CloudWatch role is one setting per account and region. `stack` deploys it once in
   * its own retained stack (inference-router-api-gateway-account) that environments depend on;
   * `existing` leaves the account's current setting alone (it must already name a working role).
   */
  apiGatewayAccount: z.enum(['stack', 'existing']).default('stack'),
});

export type EnvConfig = z.output<typeof envConfigSchema>;
export type EnvConfigInput = z.input<typeof envConfigSchema>;

/**
 * Reads `infra/env/<name>.json`; a missing file is an error naming the environments that exist.
 * `overrides` replace top-level fields before validation (tests synthesize other router configs
 * through the same path as `cdk synth`).
 */
export const loadEnvConfig = (name: string, root: string, overrides: Partial<EnvConfigInput> = {}): EnvConfig => {
  if (!/^[a-z][a-z0-9-]{0,20}$/.test(name))
    throw new Error(`Environment name "${name}" must be lowercase letters, digits or -, at most 21 characters.`);
  const path = resolve(root, 'infra/env', `${name}.json`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`Cannot read ${path} for environment "${name}": ${(error as Error).message}`);
  }
  const result = envConfigSchema.safeParse({ ...(raw as object), ...overrides });
  if (!result.success) {
    throw new Error(
      `Invalid ${path}:\n${result.error.issues.map((issue) => `  - ${issue.path.join('.') || '(root)'}: ${issue.message}`).join('\n')}`,
    );
  }
  return result.data;
};
