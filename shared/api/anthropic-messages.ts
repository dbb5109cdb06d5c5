import * as z from 'zod';
import { InvalidRequestError } from '../errors.ts';
import type { ChatMessage, ChatRequest, ToolCall, ToolChoice, ToolDefinition, UserContentPart } from './chat-request.ts';

// Anthropic's Messages API (`POST /v1/messages`, `/v1/messages/count_tokens`) as a client sends
// it, and its translation into the router's chat request, so routing, guardrails, limits and
// every provider serve it unchanged. Fields the router has no use for (cache_control, thinking,
// service_tier, ...) are accepted and dropped: an SDK or a tool that sets them keeps working.

const textBlock = z.looseObject({ type: z.literal('text'), text: z.string() });

/**
 * A string or an array of blocks. A plain union would report a bad block as "Invalid input" on
 * the whole field; this reports it where it is (`messages[0].content[2].type: ...`).
 */
const stringOr = <T extends z.ZodType>(block: T) => {
  const blocks = z.array(block);
  return z
    .union([z.string(), z.array(z.unknown())], { error: 'expected a string or an array of content blocks' })
    .transform((value, ctx): string | Array<z.output<T>> => {
      if (typeof value === 'string') return value;
      const result = blocks.safeParse(value);
      if (result.success) return result.data;
      for (const issue of result.error.issues) ctx.addIssue({ ...issue });
      return z.NEVER;
    });
};

const base64Source = z.looseObject({ type: z.literal('base64'), media_type: z.string().min(1), data: z.string().min(1) });
const urlSource = z.looseObject({ type: z.literal('url'), url: z.string().min(1) });
/** Files API references: accepted by the schema so the refusal can say why (the router holds no files). */
const fileSource = z.looseObject({ type: z.literal('file'), file_id: z.string() });

const imageBlock = z.looseObject({
  type: z.literal('image'),
  source: z.discriminatedUnion('type', [base64Source, urlSource, fileSource]),
});

const documentBlock = z.looseObject({
  type: z.literal('document'),
  source: z.discriminatedUnion('type', [
    base64Source,
    urlSource,
    fileSource,
    z.looseObject({ type: z.literal('text'), media_type: z.string().optional(), data: z.string() }),
    z.looseObject({
      type: z.literal('content'),
      content: stringOr(z.discriminatedUnion('type', [textBlock, imageBlock])),
    }),
  ]),
  title: z.string().nullable().optional(),
});

const toolUseBlock = z.looseObject({
  type: z.literal('tool_use'),
  id: z.string().min(1),
  name: z.string().min(1),
  input: z.record(z.string(), z.unknown()),
});

const toolResultBlock = z.looseObject({
  type: z.literal('tool_result'),
  tool_use_id: z.string().min(1),
  content: stringOr(z.discriminatedUnion('type', [textBlock, imageBlock, documentBlock])).optional(),
  is_error: z.boolean().optional(),
});

/** Thinking blocks come back in the history of extended-thinking conversations; no other model reads them. */
const thinkingBlock = z.looseObject({ type: z.literal('thinking'), thinking: z.string() });
const redactedThinkingBlock = z.looseObject({ type: z.literal('redacted_thinking'), data: z.string() });

const userBlock = z.discriminatedUnion('type', [textBlock, imageBlock, documentBlock, toolResultBlock], {
  error: 'a user content block is text, image, document or tool_result',
});
const assistantBlock = z.discriminatedUnion('type', [textBlock, toolUseBlock, thinkingBlock, redactedThinkingBlock], {
  error: 'an assistant content block is text, tool_use, thinking or redacted_thinking',
});

const messageSchema = z.discriminatedUnion(
  'role',
  [
    z.looseObject({ role: z.literal('user'), content: stringOr(userBlock) }),
    z.looseObject({ role: z.literal('assistant'), content: stringOr(assistantBlock) }),
  ],
  { error: 'a message role is user or assistant (the system prompt goes in `system`)' },
);
export type AnthropicMessageParam = z.infer<typeof messageSchema>;
type UserBlock = z.infer<typeof userBlock>;
type ImageBlock = z.infer<typeof imageBlock>;
type DocumentBlock = z.infer<typeof documentBlock>;

const toolSchema = z
  .looseObject({
    /** Absent or `custom` for a client tool; server tools (`web_search_20250305`, ...) run at Anthropic. */
    type: z.string().nullable().optional(),
    name: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'a tool name is 1-128 letters, digits, _ or -'),
    description: z.string().optional(),
    input_schema: z.record(z.string(), z.unknown()).optional(),
  })
  .superRefine((tool, ctx) => {
    if (tool.type != null && tool.type !== 'custom')
      ctx.addIssue({
        code: 'custom',
        path: ['type'],
        message: `server tool '${tool.type}' is not available through the router; define client tools (name, description, input_schema)`,
      });
    else if (tool.input_schema === undefined) ctx.addIssue({ code: 'custom', path: ['input_schema'], message: 'required' });
  });

const parallel = { disable_parallel_tool_use: z.boolean().optional() };
const toolChoiceSchema = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('auto'), ...parallel }),
  z.looseObject({ type: z.literal('any'), ...parallel }),
  z.looseObject({ type: z.literal('tool'), name: z.string().min(1), ...parallel }),
  z.looseObject({ type: z.literal('none') }),
]);

/** `output_config.format` is Anthropic's structured output: the router's `response_format` json_schema. */
const outputConfigSchema = z.looseObject({
  format: z
    .looseObject({ type: z.literal('json_schema'), schema: z.record(z.string(), z.unknown()) })
    .nullable()
    .optional(),
});

/** What count_tokens and messages share: everything that makes up the prompt. */
const promptShape = {
  // Bounded like the chat route's: a name is echoed in errors and logs, and keys the usage table's rows.
  model: z
    .string({ error: 'model is required (a model id, an alias such as "auto", or a mapped Claude model id)' })
    .min(1)
    .max(256),
  messages: z.array(messageSchema, { error: 'messages must be an array' }).min(1, 'messages must not be empty'),
  system: stringOr(textBlock).optional(),
  tools: z.array(toolSchema).max(128).optional(),
  tool_choice: toolChoiceSchema.optional(),
  output_config: outputConfigSchema.optional(),
};

const toolChoiceNamesATool = {
  check: (request: { tools?: Array<{ name: string }> | undefined; tool_choice?: { type: string; name?: string } | undefined }) =>
    request.tool_choice?.type !== 'tool' || (request.tools ?? []).some((tool) => tool.name === request.tool_choice?.name),
  params: { message: 'tool_choice names a tool that is not in tools', path: ['tool_choice'] },
};

export const anthropicMessagesRequestSchema = z
  .looseObject({
    ...promptShape,
    max_tokens: z.number({ error: 'max_tokens is required' }).int().positive(),
    stop_sequences: z.array(z.string().min(1)).optional(),
    temperature: z.number().min(0).max(1).optional(),
    top_p: z.number().min(0).max(1).optional(),
    top_k: z.number().int().nonnegative().optional(),
    stream: z.boolean().optional(),
    metadata: z.looseObject({ user_id: z.string().max(256).nullable().optional() }).optional(),
  })
  .refine(toolChoiceNamesATool.check, toolChoiceNamesATool.params);
export type AnthropicMessagesRequest = z.infer<typeof anthropicMessagesRequestSchema>;

export const anthropicCountTokensRequestSchema = z
  .looseObject(promptShape)
  .refine(toolChoiceNamesATool.check, toolChoiceNamesATool.params);
export type AnthropicCountTokensRequest = z.infer<typeof anthropicCountTokensRequestSchema>;

const dataUrl = (mediaType: string, data: string): string => `data:${mediaType};base64,${data}`;

const noFiles = (param: string): InvalidRequestError =>
  new InvalidRequestError('Files API sources are not supported by the router; send the content as base64 or a URL.', {
    param: `${param}.source`,
  });

const imagePart = (block: ImageBlock, param: string): UserContentPart => {
  const { source } = block;
  if (source.type === 'file') throw noFiles(param);
  return { type: 'image_url', image_url: { url: source.type === 'url' ? source.url : dataUrl(source.media_type, source.data) } };
};

/** A document as chat parts: a PDF as an inline file, plain text and content sources as text and images. */
const documentParts = (block: DocumentBlock, param: string): UserContentPart[] => {
  const { source } = block;
  switch (source.type) {
    case 'base64':
      return [
        {
          type: 'file',
          file: { filename: block.title ?? 'document.pdf', file_data: dataUrl(source.media_type, source.data) },
        },
      ];
    case 'text':
      return [{ type: 'text', text: block.title ? `${block.title}\n\n${source.data}` : source.data }];
    case 'content':
      return typeof source.content === 'string'
        ? [{ type: 'text', text: source.content }]
        : source.content.map((part, i) =>
            part.type === 'text' ? { type: 'text', text: part.text } : imagePart(part, `${param}.source.content[${i}]`),
          );
    case 'url':
      // OpenAI's chat format has no PDF by URL; fetching it here would make the router an open proxy.
      throw new InvalidRequestError('Documents by URL are not supported by the router; send the PDF as base64.', {
        param: `${param}.source`,
      });
    case 'file':
      throw noFiles(param);
  }
};

/**
 * A tool result as the chat format's tool message, which carries text only: images and
 * documents in it go into a user message after the tool messages. An error result says so in its
 * text, since no other format has Anthropic's `is_error`.
 */
const toolResult = (
  block: Extract<UserBlock, { type: 'tool_result' }>,
  param: string,
): { message: ChatMessage; parts: UserContentPart[] } => {
  const content = block.content ?? '';
  const texts: string[] = [];
  const parts: UserContentPart[] = [];
  if (typeof content === 'string') texts.push(content);
  else
    content.forEach((part, i) => {
      if (part.type === 'text') texts.push(part.text);
      else if (part.type === 'image') parts.push(imagePart(part, `${param}.content[${i}]`));
      else parts.push(...documentParts(part, `${param}.content[${i}]`));
    });
  const text = texts.join('\n');
  return {
    message: { role: 'tool', tool_call_id: block.tool_use_id, content: block.is_error ? `Error: ${text}` : text },
    parts,
  };
};

/**
 * One Anthropic user message as chat messages: its tool results first, as tool messages (the
 * chat format wants them right after the assistant's tool calls), then the rest as one user message.
 */
const userMessages = (content: string | UserBlock[], param: string): ChatMessage[] => {
  if (typeof content === 'string') return [{ role: 'user', content }];
  const tools: ChatMessage[] = [];
  const parts: UserContentPart[] = [];
  content.forEach((block, i) => {
    const at = `${param}.content[${i}]`;
    switch (block.type) {
      case 'text':
        parts.push({ type: 'text', text: block.text });
        return;
      case 'image':
        parts.push(imagePart(block, at));
        return;
      case 'document':
        parts.push(...documentParts(block, at));
        return;
      case 'tool_result': {
        const result = toolResult(block, at);
        tools.push(result.message);
        parts.push(...result.parts);
        return;
      }
    }
  });
  return parts.length > 0 ? [...tools, { role: 'user', content: parts }] : tools;
};

const assistantMessage = (content: Extract<AnthropicMessageParam, { role: 'assistant' }>['content']): ChatMessage[] => {
  if (typeof content === 'string') return [{ role: 'assistant', content }];
  const text = content.flatMap((block) => (block.type === 'text' ? [block.text] : [])).join('');
  const calls = content.flatMap((block): ToolCall[] =>
    block.type === 'tool_use'
      ? [{ id: block.id, type: 'function', function: { name: block.name, arguments: JSON.stringify(block.input) } }]
      : [],
  );
  // A turn of thinking blocks only has nothing any model could read.
  if (text === '' && calls.length === 0) return [];
  return [{ role: 'assistant', content: text === '' ? null : text, ...(calls.length > 0 ? { tool_calls: calls } : {}) }];
};

const toolDefinition = (tool: NonNullable<AnthropicCountTokensRequest['tools']>[number]): ToolDefinition => ({
  type: 'function',
  function: {
    name: tool.name,
    ...(tool.description === undefined ? {} : { description: tool.description }),
    parameters: tool.input_schema ?? { type: 'object', properties: {} },
  },
});

const toolChoice = (choice: NonNullable<AnthropicCountTokensRequest['tool_choice']>): ToolChoice => {
  switch (choice.type) {
    case 'auto':
      return 'auto';
    case 'any':
      return 'required';
    case 'none':
      return 'none';
    case 'tool':
      return { type: 'function', function: { name: choice.name } };
  }
};

/**
 * The prompt of a messages or count_tokens request as a chat request for `model` (the name the
 * router serves it under, after any mapping): the system prompt as system messages, content
 * blocks as parts, tool use as tool calls and tool messages, output_config.format as response_format.
 */
export const anthropicPromptToChat = (request: AnthropicCountTokensRequest, model: string): ChatRequest => {
  const system = typeof request.system === 'string' ? [request.system] : (request.system ?? []).map((block) => block.text);
  const messages: ChatMessage[] = [
    ...system.filter((text) => text !== '').map((text): ChatMessage => ({ role: 'system', content: text })),
    ...request.messages.flatMap((message, i) =>
      message.role === 'user' ? userMessages(message.content, `messages[${i}]`) : assistantMessage(message.content),
    ),
  ];
  const chat: ChatRequest = { model, messages };
  if (request.tools && request.tools.length > 0) chat.tools = request.tools.map(toolDefinition);
  const choice = request.tool_choice;
  if (choice) {
    chat.tool_choice = toolChoice(choice);
    if (choice.type !== 'none' && choice.disable_parallel_tool_use === true) chat.parallel_tool_calls = false;
  }
  const format = request.output_config?.format;
  if (format)
    chat.response_format = { type: 'json_schema', json_schema: { name: 'output', schema: format.schema, strict: true } };
  return chat;
};

/** A messages request as the chat request the router routes, guards, limits and serves. */
export const anthropicToChatRequest = (request: AnthropicMessagesRequest, model: string): ChatRequest => {
  const chat = anthropicPromptToChat(request, model);
  // Anthropic's max_tokens is the output cap; top_k has no equivalent elsewhere and is dropped.
  chat.max_tokens = request.max_tokens;
  if (request.stop_sequences && request.stop_sequences.length > 0) chat.stop = request.stop_sequences;
  if (request.temperature !== undefined) chat.temperature = request.temperature;
  if (request.top_p !== undefined) chat.top_p = request.top_p;
  if (request.stream === true) chat.stream = true;
  if (request.metadata?.user_id) chat.user = request.metadata.user_id;
  return chat;
};
