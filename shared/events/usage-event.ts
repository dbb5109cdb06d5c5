import * as z from 'zod';

// The usage event: one per inference request, served or failed. It drives metering, billing
// (Lago) and analytics. It never carries prompt or completion text. Versioned: consumers accept
// the versions they know and set the others aside.

export const USAGE_EVENT_VERSION = 1;
export const DETAIL_TYPE_COMPLETED = 'inference.completed';
export const DETAIL_TYPE_FAILED = 'inference.failed';
export const DEFAULT_EVENT_SOURCE = 'inference-router';

const attemptSchema = z.object({
  model: z.string(),
  provider: z.string(),
  outcome: z.enum(['ok', 'error', 'skipped']),
  status: z.number().int().optional(),
  code: z.string().optional(),
  durationMs: z.number().nonnegative(),
});

export const usageEventDetailSchema = z.object({
  version: z.literal(USAGE_EVENT_VERSION),
  /** Unique per request; also the billing transaction id (Lago `transaction_id`). */
  requestId: z.string().min(1),
  /** When the request arrived (ISO 8601): stable across publishing retries and replays. */
  timestamp: z.iso.datetime(),
  tenant: z.string(),
  keyId: z.string(),
  lagoSubscriptionId: z.string().optional(),
  endpoint: z.string(),
  requestedModel: z.string(),
  servedModel: z.string().optional(),
  provider: z.string().optional(),
  routing: z.object({
    tier: z.string().optional(),
    score: z.number().nullable().optional(),
    reason: z.string().optional(),
    rule: z.string().optional(),
    attempts: z.number().int().nonnegative(),
    fallbacks: z.number().int().nonnegative(),
    tried: z.array(attemptSchema),
  }),
  usage: z.object({
    promptTokens: z.number().int().nonnegative(),
    completionTokens: z.number().int().nonnegative(),
    cachedTokens: z.number().int().nonnegative(),
    estimated: z.boolean(),
  }),
  /** Micro-dollars (integers): what the request cost, and what it would have cost on the premium model. */
  costMicros: z.number().int().nonnegative(),
  premiumCostMicros: z.number().int().nonnegative(),
  /** Identifies the price table the costs were computed with (a hash of the models' pricing). */
  priceVersion: z.string(),
  latency: z.object({
    totalMs: z.number().nonnegative(),
    upstreamMs: z.number().nonnegative().optional(),
    timeToFirstTokenMs: z.number().nonnegative().optional(),
  }),
  status: z.number().int(),
  errorCode: z.string().optional(),
  /** Set when a stream failed after its first byte (the client saw a 200 and an SSE error event). */
  streamError: z.string().optional(),
  requestBytes: z.number().int().nonnegative(),
  responseBytes: z.number().int().nonnegative().optional(),
  stream: z.boolean(),
  /** Guardrail decisions: reason codes and counts only, never the matched text. */
  guardrails: z
    .array(
      z.object({
        action: z.enum(['redact', 'block', 'flag', 'normalize']),
        stage: z.enum(['input', 'output']),
        code: z.string(),
        count: z.number().int().nonnegative().optional(),
      }),
    )
    .optional(),
});

export type UsageEventDetail = z.infer<typeof usageEventDetailSchema>;

/** An EventBridge event as a rule target receives it. */
export const usageEventSchema = z.object({
  id: z.string(),
  source: z.string(),
  'detail-type': z.enum([DETAIL_TYPE_COMPLETED, DETAIL_TYPE_FAILED]),
  time: z.string(),
  detail: usageEventDetailSchema,
});
export type UsageEvent = z.infer<typeof usageEventSchema>;

/** Completed (billable) when a model served it, whatever became of the answer afterwards. */
export const detailTypeOf = (detail: Pick<UsageEventDetail, 'status' | 'servedModel'>): string =>
  detail.servedModel !== undefined ? DETAIL_TYPE_COMPLETED : DETAIL_TYPE_FAILED;
