import * as z from 'zod';

// The routing section of the config: rules, retries, circuit breakers, the complexity scorer.

export const modelIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/, 'letters, digits and . _ : / - only, at most 128 characters');

export const languageNames = ['en', 'latin', 'cjk', 'cyrillic', 'arabic', 'devanagari', 'other'] as const;

/** Every condition present must hold; an empty `when` matches every alias request. */
export const ruleConditionSchema = z.strictObject({
  /** Requested aliases the rule applies to (all aliases when absent). */
  aliases: z.array(modelIdSchema).min(1).optional(),
  /** The tier the scorer chose. */
  tiers: z.array(z.string().min(1)).min(1).optional(),
  minScore: z.number().min(0).max(1).optional(),
  maxScore: z.number().min(0).max(1).optional(),
  minPromptTokens: z.number().int().nonnegative().optional(),
  maxPromptTokens: z.number().int().nonnegative().optional(),
  tenants: z.array(z.string().min(1)).min(1).optional(),
  /** The key's plan (`plan` on the key record). */
  plans: z.array(z.string().min(1)).min(1).optional(),
  /** Values in the key's `metadata`. */
  keyMetadata: z.record(z.string(), z.string()).optional(),
  /** Values in the request's `metadata`. */
  metadata: z.record(z.string(), z.string()).optional(),
  /** Request headers (names are case-insensitive), e.g. `{"x-router-tier": "premium"}`. */
  headers: z.record(z.string(), z.string()).optional(),
  hasTools: z.boolean().optional(),
  hasImages: z.boolean().optional(),
  wantsJson: z.boolean().optional(),
  languages: z.array(z.enum(languageNames)).min(1).optional(),
});

export const ruleTargetSchema = z.union([
  /** Always this model (still subject to capability filters), with the alias's fallbacks after it. */
  z.strictObject({ model: modelIdSchema }),
  /** These models, in order: the first capable one serves, the rest are its fallbacks. */
  z.strictObject({ chain: z.array(modelIdSchema).min(1) }),
  /** A weighted split (load balancing, A/B): requests with a `user` stick to one arm. */
  z.strictObject({
    split: z.array(z.strictObject({ model: modelIdSchema, weight: z.number().positive() })).min(1),
  }),
  /** Route as if the scorer had chosen this tier. */
  z.strictObject({ tier: z.string().min(1) }),
]);

export const ruleSchema = z.strictObject({
  name: z.string().min(1).max(64),
  when: ruleConditionSchema.default({}),
  target: ruleTargetSchema,
});

/** One signal of the complexity score: `weight * value / (value + half)`, saturating towards `weight`. */
const signalSchema = (defaults: { weight: number; half: number }) =>
  z.strictObject({ weight: z.number().min(-1).max(1), half: z.number().positive() }).default(defaults);

/**
 * Weights of the complexity score, calibrated on test/fixtures/routing-prompts.json. Task words
 * dominate; size, code and maths add; simple-task words (negative weight) subtract.
 */
const DEFAULT_SCORING = {
  complexIntent: { weight: 0.4, half: 1 },
  contentIntent: { weight: 0.2, half: 1 },
  simpleIntent: { weight: -0.3, half: 0.5 },
  taskChars: { weight: 0.2, half: 400 },
  code: { weight: 0.1, half: 0.5 },
  math: { weight: 0.2, half: 1 },
  promptTokens: { weight: 0.05, half: 2_000 },
  turns: { weight: 0.05, half: 4 },
  outputTokens: { weight: 0.1, half: 1_000 },
  tools: 0.03,
  json: 0.03,
};

export const scoringSchema = z
  .strictObject({
    complexIntent: signalSchema(DEFAULT_SCORING.complexIntent),
    contentIntent: signalSchema(DEFAULT_SCORING.contentIntent),
    simpleIntent: signalSchema(DEFAULT_SCORING.simpleIntent),
    taskChars: signalSchema(DEFAULT_SCORING.taskChars),
    code: signalSchema(DEFAULT_SCORING.code),
    math: signalSchema(DEFAULT_SCORING.math),
    promptTokens: signalSchema(DEFAULT_SCORING.promptTokens),
    turns: signalSchema(DEFAULT_SCORING.turns),
    outputTokens: signalSchema(DEFAULT_SCORING.outputTokens),
    /** Flat additions for requests that need tools or structured output. */
    tools: z.number().min(0).max(1).default(DEFAULT_SCORING.tools),
    json: z.number().min(0).max(1).default(DEFAULT_SCORING.json),
  })
  .default(DEFAULT_SCORING);

export const retrySchema = z
  .strictObject({
    /** Tries per model, the first included. */
    maxAttempts: z.number().int().min(1).max(10).default(2),
    baseDelayMs: z.number().int().nonnegative().default(200),
    maxDelayMs: z.number().int().nonnegative().default(2_000),
    /** A `retry-after` longer than this sends the request to the next model instead of waiting. */
    maxRetryAfterMs: z.number().int().nonnegative().default(5_000),
  })
  .default({ maxAttempts: 2, baseDelayMs: 200, maxDelayMs: 2_000, maxRetryAfterMs: 5_000 });

export const breakerSchema = z
  .strictObject({
    failureThreshold: z.number().int().min(1).default(5),
    coolDownMs: z.number().int().positive().default(30_000),
  })
  .default({ failureThreshold: 5, coolDownMs: 30_000 });

/** How the `complexity` strategy scores a request. */
export const complexitySchema = z
  .strictObject({
    /** `learned`: the classifier in `model`; `heuristic`: the weighted signals of `routing.scoring`. */
    scorer: z.enum(['learned', 'heuristic']).default('learned'),
    /** The learned model's file, relative to the working directory (the bundle's root in Lambda). */
    model: z.string().min(1).default('models/routing/complexity-v3.json'),
    /** A missing or corrupt model file stops the start (`fail`), or falls back to the heuristic with a warning. */
    onModelError: z.enum(['fail', 'heuristic']).default('fail'),
    /** The top tier's share of requests for every complexity alias (an alias's own `premiumShare` wins). */
    premiumShare: z.number().gt(0).lt(1).optional(),
  })
  .default({ scorer: 'learned', model: 'models/routing/complexity-v3.json', onModelError: 'fail' });

export const routingSchema = z
  .strictObject({
    rules: z.array(ruleSchema).default([]),
    complexity: complexitySchema,
    scoring: scoringSchema,
    retry: retrySchema,
    breaker: breakerSchema,
    /**
     * Time until the first byte for all attempts together. It must stay under the API Gateway
     * integration timeout the stack configures (5 minutes for the streaming integration), and
     * with a stream's `timeoutMs` after it, under the Lambda timeout (300 s by default). The
     * default leaves a hung model's fallback a full attempt: two 45 s non-streamed attempts
     * and a backoff, then about 60 s for the next model.
     */
    deadlineMs: z.number().int().positive().max(840_000).default(150_000),
    /** The model savings are measured against; the one with the highest output price when absent. */
    premiumModel: modelIdSchema.optional(),
  })
  .default({
    rules: [],
    complexity: complexitySchema.parse(undefined),
    scoring: scoringSchema.parse(undefined),
    retry: retrySchema.parse(undefined),
    breaker: breakerSchema.parse(undefined),
    deadlineMs: 150_000,
  });

export type RoutingRule = z.output<typeof ruleSchema>;
export type RuleCondition = z.output<typeof ruleConditionSchema>;
export type RuleTarget = z.output<typeof ruleTargetSchema>;
export type ScoringConfig = z.output<typeof scoringSchema>;
export type ComplexityConfig = z.output<typeof complexitySchema>;
export type RoutingConfig = z.output<typeof routingSchema>;
export type Language = (typeof languageNames)[number];
