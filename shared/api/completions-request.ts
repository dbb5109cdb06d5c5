import * as z from 'zod';

// OpenAI's legacy completions request (`POST /v1/completions`), for instruct and base models on
// OpenAI-compatible upstreams. Known fields are type-checked; unknown fields are kept (looseObject)
// so they reach the upstream unchanged, as on chat. Prompts are texts only: token arrays cannot be
// read by the input guardrails, so they are refused rather than forwarded unread.

/** Prompts per request: OpenAI documents none; the guardrails' default message limit is lower still. */
export const MAX_PROMPTS = 2048;

const NOT_TEXT = 'prompt must be a string or an array of strings (token arrays are not accepted: the guardrails read text)';

export const completionsRequestSchema = z
  .looseObject({
    // Bounded: a name is echoed in errors and logs, and keys the usage table's rows.
    model: z.string({ error: 'model is required (a model id or an alias)' }).min(1).max(256),
    prompt: z
      .union([z.string(), z.array(z.string()).min(1, 'prompt must not be an empty array')], {
        error: (issue) => (issue.input === undefined ? 'prompt is required' : NOT_TEXT),
      })
      .refine((prompt) => typeof prompt === 'string' || prompt.length <= MAX_PROMPTS, {
        message: `prompt takes at most ${MAX_PROMPTS} strings`,
      }),
    suffix: z.string().nullable().optional(),
    // Zero is allowed: with `echo` and `logprobs` it scores a prompt without generating anything.
    max_tokens: z.number().int().nonnegative().nullable().optional(),
    // Chat's output cap, which /completions does not read: passed through, it would be the cap the
    // router reserves, bills and guards while the upstream generates up to max_tokens.
    max_completion_tokens: z
      .undefined({ error: 'max_completion_tokens is a chat completions field; legacy completions take max_tokens' })
      .optional(),
    n: z.number().int().min(1).max(128).nullable().optional(),
    best_of: z.number().int().min(1).max(20).nullable().optional(),
    echo: z.boolean().nullable().optional(),
    logprobs: z.number().int().min(0).max(5).nullable().optional(),
    stop: z
      .union([z.string(), z.array(z.string()).max(4)])
      .nullable()
      .optional(),
    temperature: z.number().min(0).max(2).nullable().optional(),
    top_p: z.number().min(0).max(1).nullable().optional(),
    presence_penalty: z.number().min(-2).max(2).nullable().optional(),
    frequency_penalty: z.number().min(-2).max(2).nullable().optional(),
    seed: z.number().int().nullable().optional(),
    logit_bias: z.record(z.string(), z.number()).nullable().optional(),
    user: z.string().max(256).optional(),
    stream: z.boolean().nullable().optional(),
    stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullable().optional(),
  })
  .refine((request) => request.best_of == null || request.best_of >= (request.n ?? 1), {
    message: 'best_of must be at least n',
    path: ['best_of'],
  })
  // The upstream picks the best of several candidates only once all are done: nothing to stream.
  .refine((request) => request.best_of == null || request.best_of === 1 || request.stream !== true, {
    message: 'best_of cannot be used with stream',
    path: ['best_of'],
  });
export type CompletionsRequest = z.infer<typeof completionsRequestSchema>;

/** The prompts as a list, whichever form the client used. */
export const completionPrompts = (request: Pick<CompletionsRequest, 'prompt'>): string[] =>
  typeof request.prompt === 'string' ? [request.prompt] : request.prompt;
