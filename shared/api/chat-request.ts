import * as z from 'zod';

// The OpenAI chat completions request. Known fields are type-checked; unknown fields are kept
// (looseObject) so they reach OpenAI-compatible upstreams unchanged.

const textPart = z.looseObject({ type: z.literal('text'), text: z.string() });
const imagePart = z.looseObject({
  type: z.literal('image_url'),
  image_url: z.looseObject({ url: z.string().min(1), detail: z.enum(['auto', 'low', 'high']).optional() }),
});
const audioPart = z.looseObject({
  type: z.literal('input_audio'),
  input_audio: z.looseObject({ data: z.string(), format: z.string() }),
});
const filePart = z.looseObject({ type: z.literal('file'), file: z.looseObject({}) });
const refusalPart = z.looseObject({ type: z.literal('refusal'), refusal: z.string() });

const userContentPart = z.discriminatedUnion('type', [textPart, imagePart, audioPart, filePart]);
export type UserContentPart = z.infer<typeof userContentPart>;
export type TextPart = z.infer<typeof textPart>;

const toolCall = z.looseObject({
  id: z.string().min(1),
  type: z.literal('function'),
  function: z.looseObject({ name: z.string().min(1), arguments: z.string() }),
});
export type ToolCall = z.infer<typeof toolCall>;

const systemMessage = z.looseObject({
  role: z.enum(['system', 'developer']),
  content: z.union([z.string(), z.array(textPart).min(1)]),
  name: z.string().optional(),
});
const userMessage = z.looseObject({
  role: z.literal('user'),
  content: z.union([z.string(), z.array(userContentPart).min(1)]),
  name: z.string().optional(),
});
const assistantMessage = z
  .looseObject({
    role: z.literal('assistant'),
    content: z.union([z.string(), z.array(z.discriminatedUnion('type', [textPart, refusalPart])), z.null()]).optional(),
    tool_calls: z.array(toolCall).optional(),
    refusal: z.string().nullable().optional(),
    name: z.string().optional(),
  })
  .refine((message) => (message.content !== undefined && message.content !== null) || (message.tool_calls?.length ?? 0) > 0, {
    message: 'an assistant message needs content or tool_calls',
  });
const toolMessage = z.looseObject({
  role: z.literal('tool'),
  content: z.union([z.string(), z.array(textPart).min(1)]),
  tool_call_id: z.string().min(1),
});
const functionMessage = z.looseObject({ role: z.literal('function'), name: z.string(), content: z.string().nullable() });

export const chatMessageSchema = z.discriminatedUnion('role', [
  systemMessage,
  userMessage,
  assistantMessage,
  toolMessage,
  functionMessage,
]);
export type ChatMessage = z.infer<typeof chatMessageSchema>;

const toolSchema = z.looseObject({
  type: z.literal('function'),
  function: z.looseObject({
    name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a function name is 1-64 letters, digits, _ or -'),
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
    strict: z.boolean().nullable().optional(),
  }),
});
export type ToolDefinition = z.infer<typeof toolSchema>;

const toolChoiceSchema = z.union([
  z.enum(['none', 'auto', 'required']),
  z.looseObject({ type: z.literal('function'), function: z.looseObject({ name: z.string() }) }),
]);
export type ToolChoice = z.infer<typeof toolChoiceSchema>;

const responseFormatSchema = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('text') }),
  z.looseObject({ type: z.literal('json_object') }),
  z.looseObject({
    type: z.literal('json_schema'),
    json_schema: z.looseObject({
      name: z.string(),
      description: z.string().optional(),
      schema: z.record(z.string(), z.unknown()).optional(),
      strict: z.boolean().nullable().optional(),
    }),
  }),
]);
export type ResponseFormat = z.infer<typeof responseFormatSchema>;

export const chatRequestSchema = z
  .looseObject({
    // Bounded: a name is echoed in errors and logs, and keys the usage table's rows.
    model: z.string({ error: 'model is required (a model id or an alias such as "auto")' }).min(1).max(256),
    messages: z.array(chatMessageSchema, { error: 'messages must be an array' }).min(1, 'messages must not be empty'),
    temperature: z.number().min(0).max(2).nullable().optional(),
    top_p: z.number().min(0).max(1).nullable().optional(),
    n: z.number().int().min(1).max(128).nullable().optional(),
    max_tokens: z.number().int().positive().nullable().optional(),
    max_completion_tokens: z.number().int().positive().nullable().optional(),
    stop: z
      .union([z.string(), z.array(z.string()).max(4)])
      .nullable()
      .optional(),
    presence_penalty: z.number().min(-2).max(2).nullable().optional(),
    frequency_penalty: z.number().min(-2).max(2).nullable().optional(),
    seed: z.number().int().nullable().optional(),
    tools: z.array(toolSchema).max(128).optional(),
    tool_choice: toolChoiceSchema.optional(),
    parallel_tool_calls: z.boolean().optional(),
    response_format: responseFormatSchema.optional(),
    user: z.string().max(256).optional(),
    metadata: z.record(z.string().max(64), z.string().max(512)).optional(),
    stream: z.boolean().nullable().optional(),
    stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullable().optional(),
  })
  .refine(
    (request) => {
      const choice = request.tool_choice;
      return typeof choice !== 'object' || (request.tools ?? []).some((tool) => tool.function.name === choice.function.name);
    },
    { message: 'tool_choice names a function that is not in tools', path: ['tool_choice'] },
  )
  // Both output caps at once: the smaller one, as max_completion_tokens only, so the cap the
  // router checks, reserves and forwards is one number.
  .transform((request) => {
    if (request.max_tokens == null || request.max_completion_tokens == null) return request;
    const { max_tokens: legacy, ...rest } = request;
    return { ...rest, max_completion_tokens: Math.min(legacy, request.max_completion_tokens) };
  });
export type ChatRequest = z.infer<typeof chatRequestSchema>;

/** The output cap the client asked for, whichever of the two spellings it used. */
export const requestedMaxTokens = (request: ChatRequest): number | undefined =>
  request.max_completion_tokens ?? request.max_tokens ?? undefined;

/** Plain text of a message's content (text parts joined), for estimates and providers without parts. */
export const contentText = (content: ChatMessage['content']): string => {
  if (content === null || content === undefined) return '';
  if (typeof content === 'string') return content;
  return content.map((part) => (part.type === 'text' ? part.text : part.type === 'refusal' ? part.refusal : '')).join('');
};
