import * as z from 'zod';
import { checkReferences } from './cross-checks.ts';
import { guardrailsSchema } from './guardrails-schema.ts';
import { modelIdSchema, routingSchema } from './routing-schema.ts';

// The one configuration schema. Defaults live here, nowhere else.

/** `env:NAME` or a Secrets Manager ARN; resolved once per cold start. */
export const secretRefSchema = z
  .string()
  .refine((value) => /^env:[A-Za-z_][A-Za-z0-9_]*$/.test(value) || value.startsWith('arn:aws:secretsmanager:'), {
    message: 'must be "env:NAME" or a Secrets Manager ARN (arn:aws:secretsmanager:...)',
  });

export const providerNames = ['openai', 'anthropic', 'bedrock', 'mock'] as const;
/** `embeddings` marks an embeddings model: it serves /v1/embeddings and nothing else (see routing/features.ts). */
export const capabilityNames = ['tools', 'vision', 'json', 'embeddings'] as const;

/** The Bedrock model families whose InvokeModel bodies the router speaks for embeddings (inference-profile prefixes and ARNs included). */
export const BEDROCK_EMBEDDING_MODEL = /(^|[./])(amazon\.titan-embed-text|cohere\.embed-)/;

/**
 * Budgets are counted in integer micro-dollars, in JavaScript numbers and DynamoDB counters: below
 * one micro-dollar a budget rounds to nothing (and DynamoDB refuses magnitudes under 1e-130), above
 * a billion dollars the micro-dollars leave the exactly representable integers (2^53).
 */
const MIN_BUDGET_USD = 0.000_001;
const MAX_BUDGET_USD = 1_000_000_000;

export const limitsSchema = z.strictObject({
  // `int()` keeps counts within the safe integers, so counters stay exact.
  rpm: z.number().int().positive().optional(),
  tpm: z.number().int().positive().optional(),
  monthlyTokens: z.number().int().positive().optional(),
  monthlyBudgetUsd: z
    .number()
    .min(MIN_BUDGET_USD, 'must be at least 0.000001 (one micro-dollar)')
    .max(MAX_BUDGET_USD, 'must be at most 1000000000 (a billion dollars)')
    .optional(),
});

/** Models and aliases a plan's or tenant's keys may use; the served model must be among the ids listed. */
const modelListSchema = z.array(modelIdSchema).min(1).optional();

export const planSchema = z.strictObject({
  limits: limitsSchema.optional(),
  models: modelListSchema,
  tenantLimits: limitsSchema.optional(),
  /** At this fraction of the monthly budget, `auto` requests go to the cheapest capable model instead of being refused. */
  downgradeAt: z.number().gt(0).lt(1).optional(),
  description: z.string().optional(),
});

export const tenantSchema = z.strictObject({
  plan: z.string().min(1).optional(),
  models: modelListSchema,
  limits: limitsSchema.optional(),
  lagoSubscriptionId: z.string().min(1).optional(),
});

export const pricingSchema = z.strictObject({
  inputPerMTok: z.number().nonnegative(),
  outputPerMTok: z.number().nonnegative(),
  /** Price of cache hits; defaults to the input price when the provider has no discount. */
  cachedInputPerMTok: z.number().nonnegative().optional(),
});

const modelFields = z.strictObject({
  id: modelIdSchema,
  provider: z.enum(providerNames),
  /** The provider's own model name; defaults to `id`. */
  upstreamModel: z.string().min(1).optional(),
  baseUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  apiKey: secretRefSchema.optional(),
  /** How the key is sent to OpenAI-compatible upstreams: `Authorization: Bearer` or Azure's `api-key`. */
  authHeader: z.enum(['bearer', 'api-key']).default('bearer'),
  /** Extra static headers and query parameters (e.g. Azure's `api-version`). */
  headers: z.record(z.string(), z.string()).default({}),
  query: z.record(z.string(), z.string()).default({}),
  /** AWS region for Bedrock; defaults to AWS_REGION. */
  region: z.string().optional(),
  pricing: pricingSchema.default({ inputPerMTok: 0, outputPerMTok: 0 }),
  /** A model that really costs nothing (self-hosted, a free tier): no warning when `pricing` is absent. */
  free: z.boolean().optional(),
  contextWindow: z.number().int().positive().default(128_000),
  maxOutputTokens: z.number().int().positive().optional(),
  capabilities: z.array(z.enum(capabilityNames)).default([]),
  tier: z.string().min(1).default('standard'),
  /** Models tried, in order, when a request for this model (by its id) fails. */
  fallbacks: z.array(modelIdSchema).default([]),
  /** Expected time to first token, for the `fastest` alias until the instance has measured it. */
  expectedLatencyMs: z.number().int().positive().optional(),
  /** Upstream timeouts per attempt. The whole call, streams included. */
  timeoutMs: z.number().int().positive().default(120_000),
  /** Streamed calls: until the response starts. */
  firstByteTimeoutMs: z.number().int().positive().default(30_000),
  /**
   * Non-streamed calls: until the response starts, which for most upstreams is when the whole
   * answer is ready, so this also caps how long a non-streamed answer may take. Without it a hung
   * upstream would hold the request until `timeoutMs`, past the point where a fallback could run.
   */
  nonStreamFirstByteTimeoutMs: z.number().int().positive().default(45_000),
  /** Only for the `mock` provider: simulated latency before the first token and between tokens. */
  mock: z
    .strictObject({
      latencyMs: z.number().int().nonnegative().default(0),
      tokenDelayMs: z.number().int().nonnegative().default(0),
    })
    .optional(),
});

// Embeddings need the provider's own embeddings call: caught here, at start-up, not on a request.
export const modelSchema = modelFields.superRefine((model, ctx) => {
  if (!model.capabilities.includes('embeddings')) return;
  if (model.provider === 'anthropic') {
    ctx.addIssue({ code: 'custom', path: ['capabilities'], message: 'anthropic has no embeddings API' });
  }
  if (model.provider === 'bedrock' && !BEDROCK_EMBEDDING_MODEL.test(model.upstreamModel ?? model.id)) {
    ctx.addIssue({
      code: 'custom',
      path: ['upstreamModel'],
      message:
        'a Bedrock embeddings model is a Titan Text Embeddings (amazon.titan-embed-text-*) or Cohere Embed (cohere.embed-*) model',
    });
  }
});

export const aliasSchema = z.strictObject({
  strategy: z.enum(['complexity', 'cheapest', 'fastest', 'fixed']),
  /** Candidate models; all models when omitted. */
  models: z.array(modelIdSchema).min(1).optional(),
  /** For `fixed`: the model served. */
  target: modelIdSchema.optional(),
  description: z.string().optional(),
  /**
   * For `complexity`: the share of requests the top tier should get, RouteLLM-style; the threshold
   * comes from the learned model's score distribution on its training corpus (overrides
   * `routing.complexity.premiumShare`).
   */
  premiumShare: z.number().gt(0).lt(1).optional(),
  /** For `complexity`: explicit score bounds per tier name (`{"simple": 0.2}`), overriding `tiers`. */
  thresholds: z.record(z.string().min(1), z.number().min(0).max(1)).optional(),
});

export const tierSchema = z.strictObject({
  name: z.string().min(1),
  /**
   * Requests whose complexity score is at or below this go to this tier. Omitted: the scorer's own
   * bounds for the tier's position (the learned model's or the heuristic's defaults).
   */
  maxScore: z.number().min(0).max(1).optional(),
});

/** An origin as browsers send it: scheme, host and port if not the default; lower case, no path or trailing slash. */
const isOrigin = (value: string): boolean => {
  try {
    return new URL(value).origin === value;
  } catch {
    return false;
  }
};

/** Browser access (CORS). Credentials (cookies) are never allowed: keys travel in headers. */
export const corsSchema = z.strictObject({
  /** Exact origins (`https://app.example.com`, `http://localhost:5173`), or `"*"` for any origin. */
  origins: z
    .array(
      z.string().refine((value) => value === '*' || isOrigin(value), {
        message: 'must be "*" or an origin such as https://app.example.com (lower case, no path, no trailing slash)',
      }),
    )
    .min(1),
  /** Request headers a browser may send; absent: the ones its preflight asks for (the origin is already allowed). */
  headers: z.array(z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'must be a header name')).optional(),
  /** How long a browser may cache a preflight answer (Chromium caps this at 7200). */
  maxAgeSeconds: z.number().int().nonnegative().max(86_400).default(7_200),
});
export type CorsConfig = z.output<typeof corsSchema>;

export const configSchema = z
  .strictObject({
    models: z.array(modelSchema).min(1, 'define at least one model'),
    aliases: z.record(modelIdSchema, aliasSchema).default({ auto: { strategy: 'complexity' } }),
    /**
     * For the Anthropic Messages API: model names the router does not know (the ids Anthropic's
     * SDKs and tools hardcode) -> a configured model or alias. A key ending in `*` matches by
     * prefix (`claude-*`), the longest prefix first; configured names are never remapped.
     */
    anthropicModels: z
      .record(z.string().regex(/^(\*|[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}\*?)$/), modelIdSchema, {
        error: (issue) => (issue.code === 'invalid_key' ? 'a key is a model name, optionally ending in *' : undefined),
      })
      .default({}),
    /** From the cheapest tier to the strongest. */
    tiers: z
      .array(tierSchema)
      .min(1)
      .default([{ name: 'simple' }, { name: 'standard' }, { name: 'complex' }]),
    defaults: z
      .strictObject({
        limits: limitsSchema.default({ rpm: 60, tpm: 100_000 }),
      })
      .default({ limits: { rpm: 60, tpm: 100_000 } }),
    /** Named plans: limits for keys on the plan, limits shared by a tenant on it, budget downgrade. */
    plans: z.record(z.string().min(1), planSchema).default({}),
    /** Per-tenant settings: the tenant's plan and limits shared by all its keys. */
    tenants: z.record(z.string().min(1), tenantSchema).default({}),
    limits: z
      .strictObject({
        /** When DynamoDB cannot be reached: refuse (`closed`, the safe default) or admit unlimited (`open`). */
        onStoreError: z.enum(['closed', 'open']).default('closed'),
        /** Output tokens reserved at admission when a request sets no max_tokens (reconciled afterwards). */
        reserveOutputTokens: z.number().int().positive().default(1_000),
      })
      .default({ onStoreError: 'closed', reserveOutputTokens: 1_000 }),
    server: z
      .strictObject({
        /** Lambda's synchronous payload limit is 6 MB, so bodies are refused well before it. */
        maxBodyBytes: z
          .number()
          .int()
          .positive()
          .max(6 * 1024 * 1024)
          .default(4 * 1024 * 1024),
        /** A revoked key stops working within this many seconds. */
        keyCacheTtlSeconds: z.number().int().nonnegative().default(10),
        /** Browser access; absent: off (no CORS headers, and OPTIONS is a method like any other: 405). */
        cors: corsSchema.optional(),
      })
      .default({ maxBodyBytes: 4 * 1024 * 1024, keyCacheTtlSeconds: 10 }),
    routing: routingSchema,
    guardrails: guardrailsSchema,
    observability: z
      .strictObject({
        /** Include the last user message (truncated) in the request log line. Off: prompts are never logged. */
        logPrompts: z.boolean().default(false),
        /** CloudWatch metrics (EMF lines on stdout): `auto` emits them in Lambda only. */
        metrics: z.enum(['auto', 'on', 'off']).default('auto'),
      })
      .default({ logPrompts: false, metrics: 'auto' }),
    /** Billing in Lago; without this section no usage is sent to Lago. */
    lago: z
      .strictObject({
        /** Lago's API origin, e.g. `https://api.getlago.com` (the `/api/v1` path is added). */
        baseUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
        apiKey: secretRefSchema,
        /** The billable metric's code in Lago. */
        eventCode: z.string().min(1).default('llm_usage'),
      })
      .optional(),
  })
  // `when`: run even when some fields failed, so one typo does not hide the reference problems.
  .superRefine((config, ctx) => checkReferences(config, ctx), { when: () => true });

export type ConfigInput = z.input<typeof configSchema>;
export type RouterConfig = z.output<typeof configSchema>;
export type ModelConfig = RouterConfig['models'][number];
export type AliasConfig = z.output<typeof aliasSchema>;
export type TierConfig = z.output<typeof tierSchema>;
export type Limits = z.output<typeof limitsSchema>;
export type PlanConfig = z.output<typeof planSchema>;
export type ProviderName = (typeof providerNames)[number];
export type Capability = (typeof capabilityNames)[number];
