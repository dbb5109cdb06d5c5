import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as z from 'zod';

// One environment's deployment settings (infra/env/<name>.json), validated before anything is built.

export const envConfigSchema = z.strictObject({
  /** The router config bundled into the Lambdas (models, routing, limits, Lago). */
  routerConfig: z.string().min(1).default('config/example.json'),
  logLevel: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']).default('INFO'),
  logRetentionDays: z.number().int().positive().default(30),
  /** `retain` keeps tables, secrets and logs when the stack is deleted (use it in prod). */
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
      reservedConcurrency: z.number().int().positive().optional(),
    })
    .default({ memoryMb: 1_024, timeoutSeconds: 300 }),
  api: z
    .strictObject({
      /** Stage-wide throttling, before any per-key limit (those live in DynamoDB). */
      rateLimit: z.number().positive().default(1_000),
      burstLimit: z.number().int().positive().default(2_000),
    })
    .default({ rateLimit: 1_000, burstLimit: 2_000 }),
  alarms: z
    .strictObject({
      /** 5xx responses as a share of requests, over 5 minutes. */
      errorRatePercent: z.number().positive().default(5),
      p99LatencyMs: z.number().positive().default(30_000),
    })
    .default({ errorRatePercent: 5, p99LatencyMs: 30_000 }),
  /** X-Ray tracing of the Lambdas and the router's upstream calls (adds the Powertools Tracer, ~125 KB, to the router bundle). */
  tracing: z.boolean().default(false),
  /** Days the event archive keeps usage events (replays must stay within metering's dedup window). */
  archiveRetentionDays: z.number().int().positive().max(365).default(365),
});

export type EnvConfig = z.output<typeof envConfigSchema>;

/** Reads `infra/env/<name>.json`; a missing file is an error naming the environments that exist. */
export const loadEnvConfig = (name: string, root: string): EnvConfig => {
  if (!/^[a-z][a-z0-9-]{0,20}$/.test(name))
    throw new Error(`Environment name "${name}" must be lowercase letters, digits or -, at most 21 characters.`);
  const path = resolve(root, 'infra/env', `${name}.json`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`Cannot read ${path} for environment "${name}": ${(error as Error).message}`);
  }
  const result = envConfigSchema.safeParse(raw);
  if (!result.success) {
    throw new Error(
      `Invalid ${path}:\n${result.error.issues.map((issue) => `  - ${issue.path.join('.') || '(root)'}: ${issue.message}`).join('\n')}`,
    );
  }
  return result.data;
};
