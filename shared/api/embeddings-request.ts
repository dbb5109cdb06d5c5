import * as z from 'zod';

// The OpenAI embeddings request. Inputs are texts only: OpenAI also takes token arrays, but the
// input guardrails cannot read tokens, so they are refused rather than forwarded unread. Unknown
// fields are dropped (only these reach an upstream), for the same reason.

/** OpenAI's limit on inputs per request. */
export const MAX_EMBEDDING_INPUTS = 2048;

const NOT_TEXT = 'input must be a string or an array of strings (token arrays are not accepted: the guardrails read text)';

const inputText = z.string().min(1, 'an input must not be an empty string');

export const embeddingsRequestSchema = z.object({
  // Bounded: a name is echoed in errors and logs, and keys the usage table's rows.
  model: z.string({ error: 'model is required (an embeddings model id or an alias)' }).min(1).max(256),
  input: z
    .union([inputText, z.array(inputText).min(1, 'input must not be an empty array')], {
      error: (issue) => (issue.input === undefined ? 'input is required' : NOT_TEXT),
    })
    .refine((input) => typeof input === 'string' || input.length <= MAX_EMBEDDING_INPUTS, {
      message: `input takes at most ${MAX_EMBEDDING_INPUTS} strings`,
    }),
  /** The vectors' length, for models that can shorten them (text-embedding-3, Titan v2, Cohere v4). */
  dimensions: z.number().int().positive().max(65_536).optional(),
  encoding_format: z.enum(['float', 'base64']).optional(),
  user: z.string().max(256).optional(),
  /** Cohere's `input_type` on Bedrock (`search_document` when absent); other upstreams ignore it. */
  input_type: z.enum(['search_document', 'search_query', 'classification', 'clustering']).optional(),
});
export type EmbeddingsRequest = z.infer<typeof embeddingsRequestSchema>;

/** The inputs as a list, whichever form the client used. */
export const embeddingInputs = (request: Pick<EmbeddingsRequest, 'input'>): string[] =>
  typeof request.input === 'string' ? [request.input] : request.input;
