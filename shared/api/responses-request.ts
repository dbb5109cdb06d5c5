import * as z from 'zod';
import type { ChatMessage, ChatRequest, ToolCall, ToolChoice, ToolDefinition, UserContentPart } from './chat-request.ts';

// The OpenAI Responses API request (`POST /v1/responses`), served through the router's chat shape
// so routing, guardrails, limits and every provider apply unchanged. The router is stateless:
// what needs a response or item stored between requests (previous_response_id, conversations,
// item references, background runs, stored prompts) is refused here with a message that says what
// to send instead, and so are hosted tools the router cannot run. Fields that only tune OpenAI's
// own service (store, include, truncation, service_tier, ...) are accepted and have no effect,
// because the SDKs send some of them by default.

/** Why a reference to stored state is refused, and what to send instead of `field`. */
const stateless = (field: string): string =>
  `The router is stateless and stores no responses: send the whole conversation as input (the earlier input items followed by the output items of the previous response) instead of ${field}`;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** A union's discriminator as an error message shows it: `'web_search'`, or `a missing value`. */
const named = (value: unknown): string => (value === undefined ? 'a missing value' : `'${String(value)}'`);

/**
 * A string or a non-empty array of parts. A string is read as one text part before validation, so
 * an error points into the array (`input[0].content[1].type`) rather than at a failed union.
 */
const partsOrText = <Part extends z.ZodType>(part: Part, textType: 'input_text' | 'output_text', what: string) =>
  z.preprocess(
    (value) => (typeof value === 'string' ? [{ type: textType, text: value }] : value),
    z.array(part, { error: `${what} must be a string or an array of content parts` }).min(1, `${what} must not be empty`),
  );

const partUnion = <const Options extends readonly [z.core.$ZodTypeDiscriminable, ...z.core.$ZodTypeDiscriminable[]]>(
  options: Options,
  allowed: string,
  where: string,
) =>
  z.discriminatedUnion('type', options, {
    error: (issue) =>
      `content part type ${named(isObject(issue.input) ? issue.input.type : undefined)} is not allowed in ${where}; use ${allowed}`,
  });

const inputText = z.looseObject({ type: z.literal('input_text'), text: z.string() });
const inputImage = z.looseObject({
  type: z.literal('input_image'),
  // A file id would need OpenAI's Files API behind the router, which it does not have.
  image_url: z.string({ error: 'input_image needs an image_url (an https: or data: URL); file_id is not supported' }).min(1),
  detail: z.string().nullable().optional(),
});
const inputFile = z
  .looseObject({
    type: z.literal('input_file'),
    file_data: z.string().optional(),
    filename: z.string().optional(),
    file_id: z.string().nullable().optional(),
    // The chat shape has no file URLs: the data itself (or an upstream file id) is what it carries.
    file_url: z
      .undefined({
        error: 'input_file.file_url is not supported; send the file as file_data (a base64 data: URL) with a filename',
      })
      .optional(),
  })
  .refine((file) => file.file_data !== undefined || (file.file_id ?? undefined) !== undefined, {
    message: 'input_file needs file_data (with a filename) or file_id',
  });
const outputText = z.looseObject({ type: z.literal('output_text'), text: z.string() });
const refusal = z.looseObject({ type: z.literal('refusal'), refusal: z.string() });

const messageType = z.literal('message');
const userMessage = z.looseObject({
  type: messageType,
  role: z.literal('user'),
  content: partsOrText(
    partUnion([inputText, inputImage, inputFile], 'input_text, input_image or input_file', 'a user message'),
    'input_text',
    'a message content',
  ),
});
const systemMessage = z.looseObject({
  type: messageType,
  role: z.enum(['system', 'developer']),
  content: partsOrText(partUnion([inputText], 'input_text', 'a system or developer message'), 'input_text', 'a message content'),
});
// Earlier answers come back as the output items of the response that produced them.
const assistantMessage = z.looseObject({
  type: messageType,
  role: z.literal('assistant'),
  content: partsOrText(
    partUnion([outputText, refusal, inputText], 'output_text or refusal', 'an assistant message'),
    'output_text',
    'a message content',
  ),
});
const message = z.discriminatedUnion('role', [userMessage, systemMessage, assistantMessage], {
  error: (issue) => {
    const role = isObject(issue.input) ? issue.input.role : undefined;
    return role === 'tool'
      ? "a message role is user, system, developer or assistant; send a tool's result as a function_call_output item"
      : `message role ${named(role)} is not one of user, system, developer, assistant`;
  },
});

const functionCall = z.looseObject({
  type: z.literal('function_call'),
  call_id: z.string().min(1),
  name: z.string().min(1),
  arguments: z.string(),
});
const functionCallOutput = z.looseObject({
  type: z.literal('function_call_output'),
  call_id: z.string().min(1),
  // The chat shape's tool messages carry text only.
  output: partsOrText(
    partUnion([inputText], 'input_text', 'a function_call_output'),
    'input_text',
    'a function_call_output output',
  ),
});
// A reasoning item holds a model's hidden reasoning from an earlier turn; the chat shape has no
// place for it, so it is accepted (clients replay whole outputs) and left out.
const reasoning = z.looseObject({ type: z.literal('reasoning') });

const SUPPORTED_ITEMS = 'message, function_call, function_call_output or reasoning';

const inputItem = z.preprocess(
  // A message may leave out its type (`{"role": "user", "content": "hi"}`).
  (value) => (isObject(value) && value.type === undefined && 'role' in value ? { ...value, type: 'message' } : value),
  z.discriminatedUnion('type', [message, functionCall, functionCallOutput, reasoning], {
    error: (issue) => {
      const type = isObject(issue.input) ? issue.input.type : undefined;
      if (type === 'item_reference' || (isObject(issue.input) && type === undefined && 'id' in issue.input))
        return `item_reference is not supported: the router is stateless and stores no responses, so send the item itself (the AI SDK's OpenAI provider does with providerOptions.openai.store set to false)`;
      if (type === undefined) return `an input item needs a type (${SUPPORTED_ITEMS}) or, for a message, a role`;
      return `input item type ${named(type)} is not supported; the router serves ${SUPPORTED_ITEMS} items`;
    },
  }),
);
export type ResponsesInputItem = z.infer<typeof inputItem>;

const FUNCTION_NAME = /^[A-Za-z0-9_-]{1,64}$/;

const functionTool = z.looseObject({
  type: z.literal('function'),
  name: z.string().regex(FUNCTION_NAME, 'a function name is 1-64 letters, digits, _ or -'),
  description: z.string().nullable().optional(),
  parameters: z.record(z.string(), z.unknown()).nullable().optional(),
  strict: z.boolean().nullable().optional(),
});
export type ResponsesFunctionTool = z.infer<typeof functionTool>;

const tool = z.discriminatedUnion('type', [functionTool], {
  error: (issue) => {
    const type = isObject(issue.input) ? issue.input.type : undefined;
    return type === undefined
      ? "a tool needs type 'function'"
      : `tool type ${named(type)} is not supported: only function tools are (tools OpenAI runs on its own servers, such as web_search or file_search, are not available through the router)`;
  },
});

const namedFunction = z.looseObject({ type: z.literal('function'), name: z.string() });
const toolChoice = z.union(
  [
    z.enum(['none', 'auto', 'required']),
    namedFunction,
    z.looseObject({
      type: z.literal('allowed_tools'),
      mode: z.enum(['auto', 'required']),
      tools: z.array(namedFunction).min(1),
    }),
  ],
  {
    error:
      'tool_choice must be "none", "auto", "required", {"type":"function","name":...} or {"type":"allowed_tools","mode":...,"tools":[{"type":"function","name":...}]}',
  },
);

const textFormat = z.discriminatedUnion(
  'type',
  [
    z.looseObject({ type: z.literal('text') }),
    z.looseObject({ type: z.literal('json_object') }),
    z.looseObject({
      type: z.literal('json_schema'),
      name: z.string().min(1),
      schema: z.record(z.string(), z.unknown()),
      description: z.string().nullable().optional(),
      strict: z.boolean().nullable().optional(),
    }),
  ],
  { error: 'text.format.type must be text, json_object or json_schema' },
);

export const responsesRequestSchema = z
  .looseObject({
    // Bounded: a name is echoed in errors and logs, and keys the usage table's rows.
    model: z.string({ error: 'model is required (a model id or an alias such as "auto")' }).min(1).max(256),
    input: z.preprocess(
      (value) => (typeof value === 'string' ? [{ type: 'message', role: 'user', content: value }] : value),
      z.array(inputItem, { error: 'input must be a string or an array of input items' }).min(1, 'input must not be empty'),
    ),
    instructions: z.string().nullable().optional(),
    max_output_tokens: z.number().int().positive().nullable().optional(),
    temperature: z.number().min(0).max(2).nullable().optional(),
    top_p: z.number().min(0).max(1).nullable().optional(),
    tools: z.array(tool).max(128).optional(),
    tool_choice: toolChoice.optional(),
    parallel_tool_calls: z.boolean().nullable().optional(),
    text: z
      .looseObject({
        format: textFormat.nullable().optional(),
        verbosity: z.enum(['low', 'medium', 'high']).nullable().optional(),
      })
      .nullable()
      .optional(),
    reasoning: z.looseObject({ effort: z.string().nullable().optional() }).nullable().optional(),
    user: z.string().max(256).optional(),
    metadata: z.record(z.string().max(64), z.string().max(512)).nullable().optional(),
    prompt_cache_key: z.string().nullable().optional(),
    safety_identifier: z.string().nullable().optional(),
    stream: z.boolean().nullable().optional(),
    previous_response_id: z.null({ error: stateless('previous_response_id') }).optional(),
    conversation: z.null({ error: stateless('a conversation') }).optional(),
    background: z
      .literal(false, { error: 'not supported: a background response is stored to be fetched later; use stream: true instead' })
      .nullable()
      .optional(),
    prompt: z.null({ error: 'stored prompt templates are not supported; send the prompt as instructions and input' }).optional(),
  })
  .superRefine((request, context) => {
    if (request.input.length > 0 && !request.instructions && request.input.every((item) => item.type === 'reasoning'))
      context.addIssue({ code: 'custom', path: ['input'], message: 'input has no message for the model to answer' });
    // A forced function must be one the model was given, as with chat completions.
    const names = new Set((request.tools ?? []).map((definition) => definition.name));
    const choice = request.tool_choice;
    if (typeof choice !== 'object') return;
    const chosen = choice.type === 'function' ? [choice.name] : choice.tools.map((entry) => entry.name);
    for (const name of chosen) {
      if (!names.has(name))
        context.addIssue({
          code: 'custom',
          path: ['tool_choice'],
          message: `tool_choice names '${name}', which is not in tools`,
        });
    }
  });
export type ResponsesRequest = z.infer<typeof responsesRequestSchema>;

type UserPart = Extract<ResponsesInputItem, { role: 'user' }>['content'][number];
type TextOnlyPart = { type: 'input_text' | 'output_text'; text: string };

/** One text part is sent as a plain string: the form every provider reads most simply. */
const textContent = (parts: readonly TextOnlyPart[]): string | Array<{ type: 'text'; text: string }> =>
  parts.length === 1 && parts[0] ? parts[0].text : parts.map((part) => ({ type: 'text' as const, text: part.text }));

const IMAGE_DETAILS = new Set(['auto', 'low', 'high']);

const userPart = (part: UserPart): UserContentPart => {
  switch (part.type) {
    case 'input_text':
      return { type: 'text', text: part.text };
    case 'input_image': {
      // `original` has no chat equivalent: the upstream's default is the nearest.
      const detail = typeof part.detail === 'string' && IMAGE_DETAILS.has(part.detail) ? part.detail : undefined;
      return {
        type: 'image_url',
        image_url: { url: part.image_url, ...(detail ? { detail: detail as 'auto' | 'low' | 'high' } : {}) },
      };
    }
    case 'input_file': {
      const { file_data, filename, file_id } = part;
      return {
        type: 'file',
        file: {
          ...(file_data === undefined ? {} : { file_data }),
          ...(filename ? { filename } : {}),
          ...(file_id ? { file_id } : {}),
        },
      };
    }
  }
};

const userContent = (parts: readonly UserPart[]): Extract<ChatMessage, { role: 'user' }>['content'] =>
  parts.every((part) => part.type === 'input_text') ? textContent(parts as TextOnlyPart[]) : parts.map(userPart);

type AssistantPart = Extract<ResponsesInputItem, { role: 'assistant' }>['content'][number];

const assistantContent = (parts: readonly AssistantPart[]) =>
  parts.every((part) => part.type !== 'refusal')
    ? textContent(parts as TextOnlyPart[])
    : parts.map((part) =>
        part.type === 'refusal'
          ? { type: 'refusal' as const, refusal: part.refusal }
          : { type: 'text' as const, text: part.text },
      );

/** Input items in order, as chat messages: a turn's function calls join the assistant message before them. */
const toMessages = (items: readonly ResponsesInputItem[]): ChatMessage[] => {
  const messages: ChatMessage[] = [];
  for (const item of items) {
    switch (item.type) {
      case 'message':
        if (item.role === 'user') messages.push({ role: 'user', content: userContent(item.content) });
        else if (item.role === 'assistant') messages.push({ role: 'assistant', content: assistantContent(item.content) });
        else messages.push({ role: item.role, content: textContent(item.content) });
        break;
      case 'function_call': {
        const call: ToolCall = { id: item.call_id, type: 'function', function: { name: item.name, arguments: item.arguments } };
        // Parallel calls are one assistant turn in the chat shape, and so are a text and its calls:
        // providers expect each tool result to answer a call of the assistant message just before.
        const last = messages.at(-1);
        if (last?.role === 'assistant') last.tool_calls = [...(last.tool_calls ?? []), call];
        else messages.push({ role: 'assistant', content: null, tool_calls: [call] });
        break;
      }
      case 'function_call_output':
        messages.push({ role: 'tool', tool_call_id: item.call_id, content: textContent(item.output) });
        break;
      case 'reasoning':
        break;
    }
  }
  return messages;
};

const toChatTool = (definition: ResponsesFunctionTool): ToolDefinition => ({
  type: 'function',
  function: {
    name: definition.name,
    ...(definition.description == null ? {} : { description: definition.description }),
    ...(definition.parameters == null ? {} : { parameters: definition.parameters }),
    // Only an explicit choice is passed on: chat's default (not strict) accepts any schema, where
    // strict mode refuses schemas that leave out `required` or `additionalProperties: false`.
    ...(typeof definition.strict === 'boolean' ? { strict: definition.strict } : {}),
  },
});

/** Tools and tool choice in the chat shape; `allowed_tools` narrows the tools the model is given. */
const toChatTools = (request: ResponsesRequest): Pick<ChatRequest, 'tools' | 'tool_choice' | 'parallel_tool_calls'> => {
  const choice = request.tool_choice;
  let tools = request.tools ?? [];
  let toolChoice: ToolChoice | undefined;
  if (typeof choice === 'string') toolChoice = choice;
  else if (choice?.type === 'function') toolChoice = { type: 'function', function: { name: choice.name } };
  else if (choice?.type === 'allowed_tools') {
    const allowed = new Set(choice.tools.map((entry) => entry.name));
    tools = tools.filter((definition) => allowed.has(definition.name));
    toolChoice = choice.mode;
  }
  if (tools.length === 0) return toolChoice === 'none' ? {} : toolChoice ? { tool_choice: toolChoice } : {};
  return {
    tools: tools.map(toChatTool),
    ...(toolChoice ? { tool_choice: toolChoice } : {}),
    // OpenAI refuses parallel_tool_calls on a request without tools.
    ...(request.parallel_tool_calls == null ? {} : { parallel_tool_calls: request.parallel_tool_calls }),
  };
};

const toResponseFormat = (format: NonNullable<ResponsesRequest['text']>['format']): ChatRequest['response_format'] => {
  if (!format || format.type === 'text') return undefined;
  if (format.type === 'json_object') return { type: 'json_object' };
  return {
    type: 'json_schema',
    json_schema: {
      name: format.name,
      schema: format.schema,
      ...(format.description == null ? {} : { description: format.description }),
      ...(format.strict == null ? {} : { strict: format.strict }),
    },
  };
};

/** Drops the keys whose value is undefined, so the chat request carries only what the client set. */
const defined = <T extends Record<string, unknown>>(record: T): T =>
  Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as T;

/**
 * The Responses request as the router's chat request: `instructions` first as a system message,
 * then the input items in order; `max_output_tokens` is the output cap the router checks and
 * reserves; `text.format` is the response format the output guardrails keep valid.
 */
export const responsesToChat = (request: ResponsesRequest): ChatRequest => {
  const messages = toMessages(request.input);
  if (request.instructions) messages.unshift({ role: 'system', content: request.instructions });
  return defined({
    model: request.model,
    messages,
    max_completion_tokens: request.max_output_tokens ?? undefined,
    temperature: request.temperature ?? undefined,
    top_p: request.top_p ?? undefined,
    ...toChatTools(request),
    response_format: toResponseFormat(request.text?.format),
    verbosity: request.text?.verbosity ?? undefined,
    reasoning_effort: request.reasoning?.effort ?? undefined,
    user: request.user,
    metadata: request.metadata ?? undefined,
    prompt_cache_key: request.prompt_cache_key ?? undefined,
    safety_identifier: request.safety_identifier ?? undefined,
    stream: request.stream === true ? true : undefined,
  });
};
