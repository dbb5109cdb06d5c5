import * as z from 'zod';

// Guardrail policies: what may be sent to a model and what may come back. Named policies are
// chosen per key (`guardrailPolicy` on the key), else per tenant, else per route, else `default`.

/** In detection priority order (guardrails/detectors.ts): on equal overlapping spans the earlier kind wins. */
export const piiKinds = ['email', 'phone', 'payment_card', 'iban', 'national_id', 'ip_address', 'secret'] as const;
export type PiiKind = (typeof piiKinds)[number];

const piiAction = z.enum(['allow', 'redact', 'block']);
export type PiiAction = z.infer<typeof piiAction>;

/** Per kind of personal data or secret, what to do; kinds not listed are allowed. */
const piiPolicy = z.partialRecord(z.enum(piiKinds), piiAction);

export const guardrailPolicySchema = z.strictObject({
  /** Unicode NFC, no control or zero-width characters, no pathological whitespace. Never lowercases. */
  normalize: z.boolean().default(true),
  maxMessages: z.number().int().positive().default(1_000),
  maxMessageChars: z.number().int().positive().default(1_000_000),
  /** Caps `max_tokens` (or `max_completion_tokens`): larger requests are lowered to it, and say so. */
  maxOutputTokens: z.number().int().positive().optional(),
  input: z
    .strictObject({
      pii: piiPolicy.default({ secret: 'redact' }),
      /** Put redacted values back into the answer, so the user sees them and the model never did. */
      restoreRedacted: z.boolean().default(true),
      /** Phrases (case-insensitive, whole words) or `/regex/flags`. */
      denyList: z.array(z.string().min(1)).default([]),
      denyAction: z.enum(['block', 'flag']).default('block'),
      injection: z.enum(['block', 'flag', 'off']).default('flag'),
      /**
       * Roles checked for prompt injection: text from outside the operator's control. Add `system`
       * when retrieved documents go into the system prompt (RAG). The deny list checks every role.
       */
      injectionRoles: z
        .array(z.enum(['system', 'developer', 'user', 'assistant', 'tool', 'function']))
        .default(['user', 'tool', 'function']),
    })
    .default({
      pii: { secret: 'redact' },
      restoreRedacted: true,
      denyList: [],
      denyAction: 'block',
      injection: 'flag',
      injectionRoles: ['user', 'tool', 'function'],
    }),
  output: z
    .strictObject({
      pii: piiPolicy.default({}),
      denyList: z.array(z.string().min(1)).default([]),
      denyAction: z.enum(['block', 'flag']).default('flag'),
    })
    .default({ pii: {}, denyList: [], denyAction: 'flag' }),
});
export type GuardrailPolicy = z.output<typeof guardrailPolicySchema>;

export const DEFAULT_GUARDRAIL_POLICY: GuardrailPolicy = guardrailPolicySchema.parse({});

export const guardrailsSchema = z
  .strictObject({
    policies: z.record(z.string().min(1), guardrailPolicySchema).default({ default: DEFAULT_GUARDRAIL_POLICY }),
    default: z.string().min(1).default('default'),
    tenants: z.record(z.string().min(1), z.string().min(1)).default({}),
    /** Route path (e.g. `/route-inference`) -> policy name. */
    routes: z.record(z.string().startsWith('/'), z.string().min(1)).default({}),
  })
  .default({ policies: { default: DEFAULT_GUARDRAIL_POLICY }, default: 'default', tenants: {}, routes: {} });
export type GuardrailsConfig = z.output<typeof guardrailsSchema>;
