import { type ChatRequest, contentText, requestedMaxTokens, type UserContentPart } from '../api/chat-request.ts';
import type { ChatCompletion, ChatCompletionChunk, FinishReason, Usage } from '../api/chat-response.ts';
import { deltaOutputText, toOpenAIUsage } from '../api/chat-response.ts';
import { InvalidRequestError } from '../errors.ts';
import { estimateUsage } from '../tokens/estimate-tokens.ts';
import type { CompletionResult, ModelTarget, Provider, ProviderCallOptions, StreamEvent } from './types.ts';
import { readJsonBody, readSseEvents } from './upstream-body.ts';
import { upstreamHttpError, upstreamProtocolError, upstreamStreamCutError } from './upstream-errors.ts';
import { cachedEndpoints, type ErrorMessageExtractor, postUpstream, upstreamUrl } from './upstream-fetch.ts';

// Anthropic's Messages API behind the OpenAI chat completions shape. Unlike the OpenAI adapter
// nothing passes through: Anthropic rejects unknown fields, so the request is rebuilt field by
// field and the answer (or stream) is translated back.

export const ANTHROPIC_DEFAULT_BASE_URL = 'https://api.anthropic.com';
export const ANTHROPIC_VERSION = '2023-06-01';
/** Anthropic requires `max_tokens`; used when neither the client nor the model config sets one. */
export const ANTHROPIC_DEFAULT_MAX_TOKENS = 4096;

const PROVIDER = 'anthropic';

type AnthropicSource = { type: 'base64'; media_type: string; data: string } | { type: 'url'; url: string };

export type AnthropicContentBlock =
  | { type: 'text'; text: string }
  | { type: 'image'; source: AnthropicSource }
  | { type: 'document'; source: AnthropicSource }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> }
  | { type: 'tool_result'; tool_use_id: string; content: string };

export interface AnthropicMessage {
  role: 'user' | 'assistant';
  content: AnthropicContentBlock[];
}

export type AnthropicToolChoice =
  | { type: 'auto' | 'any'; disable_parallel_tool_use?: boolean }
  | { type: 'tool'; name: string; disable_parallel_tool_use?: boolean }
  | { type: 'none' };

export interface AnthropicRequest {
  model: string;
  max_tokens: number;
  messages: AnthropicMessage[];
  system?: string;
  temperature?: number;
  top_p?: number;
  stop_sequences?: string[];
  tools?: Array<{ name: string; description?: string; input_schema: Record<string, unknown> }>;
  tool_choice?: AnthropicToolChoice;
  metadata?: { user_id: string };
  stream: boolean;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const DATA_URL = /^data:([^;,]+);base64,(.*)$/s;

const toSource = (url: string, param: string): AnthropicSource => {
  if (/^https?:\/\//i.test(url)) return { type: 'url', url };
  const match = DATA_URL.exec(url);
  if (!match?.[1] || match[2] === undefined) {
    throw new InvalidRequestError('Anthropic models take http(s) URLs or base64 data: URLs for images and files.', { param });
  }
  return { type: 'base64', media_type: match[1], data: match[2] };
};

const userBlock = (part: UserContentPart, param: string): AnthropicContentBlock | undefined => {
  switch (part.type) {
    case 'text':
      return part.text === '' ? undefined : { type: 'text', text: part.text };
    case 'image_url':
      return { type: 'image', source: toSource(part.image_url.url, `${param}.image_url.url`) };
    case 'file': {
      // PDFs are the one file type Anthropic reads inline; anything else would be silently lost.
      const data = part.file.file_data;
      if (typeof data === 'string' && data.startsWith('data:application/pdf;')) {
        return { type: 'document', source: toSource(data, `${param}.file.file_data`) };
      }
      throw new InvalidRequestError('Anthropic models only accept inline PDF files (file.file_data as a data: URL).', { param });
    }
    case 'input_audio':
      throw new InvalidRequestError('Anthropic models do not accept audio input.', { param });
  }
};

const parseToolInput = (args: string, param: string): Record<string, unknown> => {
  if (args.trim() === '') return {};
  let input: unknown;
  try {
    input = JSON.parse(args);
  } catch {
    throw new InvalidRequestError('Tool call arguments must be valid JSON.', { param });
  }
  if (!isObject(input)) throw new InvalidRequestError('Tool call arguments must be a JSON object.', { param });
  return input;
};

const textBlocks = (text: string): AnthropicContentBlock[] => (text === '' ? [] : [{ type: 'text', text }]);

/** Anthropic wants alternating roles, so neighbours with the same role (e.g. several tool results) become one message. */
const mergeSameRole = (messages: AnthropicMessage[]): AnthropicMessage[] => {
  const merged: AnthropicMessage[] = [];
  for (const message of messages) {
    const last = merged.at(-1);
    if (last?.role === message.role) last.content.push(...message.content);
    else merged.push({ role: message.role, content: [...message.content] });
  }
  // Anthropic rejects a user message whose tool results do not come first.
  for (const message of merged) {
    const results = message.content.filter((block) => block.type === 'tool_result');
    if (results.length > 0) message.content = [...results, ...message.content.filter((block) => block.type !== 'tool_result')];
  }
  return merged;
};

const jsonInstruction = (format: ChatRequest['response_format']): string | undefined => {
  if (format?.type === 'json_object') return 'Respond with only a valid JSON object, with no other text before or after it.';
  if (format?.type === 'json_schema') {
    const schema = format.json_schema.schema;
    return schema === undefined
      ? 'Respond with only a valid JSON object, with no other text before or after it.'
      : `Respond with only a valid JSON object that matches this JSON schema, with no other text before or after it:\n${JSON.stringify(schema)}`;
  }
  return undefined;
};

const toToolChoice = (request: ChatRequest): AnthropicToolChoice | undefined => {
  const choice = request.tool_choice;
  if (choice === 'none') return { type: 'none' };
  const single = request.parallel_tool_calls === false ? { disable_parallel_tool_use: true } : {};
  if (choice === 'required') return { type: 'any', ...single };
  if (typeof choice === 'object') return { type: 'tool', name: choice.function.name, ...single };
  if (choice === 'auto' || request.parallel_tool_calls === false) return { type: 'auto', ...single };
  return undefined;
};

export const toAnthropicRequest = (request: ChatRequest, target: ModelTarget, stream: boolean): AnthropicRequest => {
  if ((request.n ?? 1) > 1) throw new InvalidRequestError('Anthropic models return one choice; n must be 1.', { param: 'n' });

  const system: string[] = [];
  const messages: AnthropicMessage[] = [];
  request.messages.forEach((message, i) => {
    const param = `messages[${i}]`;
    switch (message.role) {
      case 'system':
      case 'developer':
        system.push(contentText(message.content));
        return;
      case 'user': {
        const content =
          typeof message.content === 'string'
            ? textBlocks(message.content)
            : message.content.flatMap((part, j) => userBlock(part, `${param}.content[${j}]`) ?? []);
        messages.push({ role: 'user', content });
        return;
      }
      case 'assistant': {
        const calls = (message.tool_calls ?? []).map(
          (call, j): AnthropicContentBlock => ({
            type: 'tool_use',
            id: call.id,
            name: call.function.name,
            input: parseToolInput(call.function.arguments, `${param}.tool_calls[${j}].function.arguments`),
          }),
        );
        messages.push({ role: 'assistant', content: [...textBlocks(contentText(message.content)), ...calls] });
        return;
      }
      case 'tool':
        messages.push({
          role: 'user',
          content: [{ type: 'tool_result', tool_use_id: message.tool_call_id, content: contentText(message.content) }],
        });
        return;
      case 'function':
        throw new InvalidRequestError('function messages are not supported for Anthropic models; use tool messages.', {
          param: `${param}.role`,
        });
    }
  });

  // Empty messages are rejected upstream; dropping them before merging keeps the roles alternating.
  const turns = mergeSameRole(messages.filter((message) => message.content.length > 0));
  if (turns.length === 0) {
    throw new InvalidRequestError('Anthropic models need at least one non-empty user or assistant message.', {
      param: 'messages',
    });
  }

  const instruction = jsonInstruction(request.response_format);
  if (instruction !== undefined) system.push(instruction);
  const systemText = system.filter((text) => text !== '').join('\n\n');

  const body: AnthropicRequest = {
    model: target.config.upstreamModel ?? target.config.id,
    max_tokens: requestedMaxTokens(request) ?? target.config.maxOutputTokens ?? ANTHROPIC_DEFAULT_MAX_TOKENS,
    messages: turns,
    stream,
  };
  if (systemText !== '') body.system = systemText;
  // OpenAI's temperature goes to 2, Anthropic's to 1.
  if (request.temperature != null) body.temperature = Math.min(1, Math.max(0, request.temperature));
  if (request.top_p != null) body.top_p = request.top_p;
  if (request.stop != null) body.stop_sequences = typeof request.stop === 'string' ? [request.stop] : request.stop;
  if (request.tools && request.tools.length > 0) {
    body.tools = request.tools.map((tool) => ({
      name: tool.function.name,
      ...(tool.function.description === undefined ? {} : { description: tool.function.description }),
      input_schema: tool.function.parameters ?? { type: 'object', properties: {} },
    }));
    // Anthropic rejects tool_choice without tools, so it is only sent alongside them.
    const toolChoice = toToolChoice(request);
    if (toolChoice !== undefined) body.tool_choice = toolChoice;
  }
  if (request.user !== undefined) body.metadata = { user_id: request.user };
  return body;
};

export const toFinishReason = (stopReason: unknown): FinishReason => {
  switch (stopReason) {
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'refusal':
      return 'content_filter';
    default:
      // end_turn, stop_sequence, pause_turn, and anything newer.
      return 'stop';
  }
};

const tokenCount = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);

/** Anthropic counts cache reads and writes apart from `input_tokens`; the router's prompt count includes both. */
export const fromAnthropicUsage = (usage: Record<string, unknown>): Usage => ({
  promptTokens:
    tokenCount(usage.input_tokens) + tokenCount(usage.cache_read_input_tokens) + tokenCount(usage.cache_creation_input_tokens),
  completionTokens: tokenCount(usage.output_tokens),
  cachedTokens: tokenCount(usage.cache_read_input_tokens),
  estimated: false,
});

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

export const fromAnthropicResponse = (body: unknown, modelId: string): CompletionResult => {
  if (!isObject(body) || typeof body.id !== 'string' || !Array.isArray(body.content) || !isObject(body.usage)) {
    throw upstreamProtocolError(PROVIDER, modelId, 'the message has no id, content or usage');
  }
  const texts: string[] = [];
  const toolCalls: NonNullable<ChatCompletion['choices'][number]['message']['tool_calls']> = [];
  for (const block of body.content) {
    if (!isObject(block)) continue;
    if (block.type === 'text' && typeof block.text === 'string') texts.push(block.text);
    else if (block.type === 'tool_use' && typeof block.id === 'string' && typeof block.name === 'string') {
      toolCalls.push({
        id: block.id,
        type: 'function',
        function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) },
      });
    }
    // Thinking and server-tool blocks have no OpenAI equivalent and are left out.
  }
  const usage = fromAnthropicUsage(body.usage);
  const completion: ChatCompletion = {
    id: body.id,
    object: 'chat.completion',
    created: nowSeconds(),
    model: modelId,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: texts.length > 0 ? texts.join('') : null,
          ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
        },
        finish_reason: toFinishReason(body.stop_reason),
      },
    ],
    usage: toOpenAIUsage(usage),
  };
  return { completion, usage };
};

const ERROR_STATUS: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

/** The HTTP status Anthropic uses for an error type; mid-stream errors only carry the type. */
export const anthropicErrorStatus = (errorType: unknown): number =>
  (typeof errorType === 'string' ? ERROR_STATUS[errorType] : undefined) ?? 500;

/** Anthropic's error body is `{"type":"error","error":{"type","message"}}`; the type says more than the status. */
export const anthropicErrorMessage: ErrorMessageExtractor = (body) => {
  if (!isObject(body) || !isObject(body.error)) return undefined;
  const { type, message } = body.error;
  if (typeof message !== 'string') return typeof type === 'string' ? type : undefined;
  return typeof type === 'string' ? `${type}: ${message}` : message;
};

export interface AnthropicStreamTranslator {
  /** Translates one SSE event's parsed data into OpenAI chunks (often none); throws on an `error` event. */
  translate(event: unknown): ChatCompletionChunk[];
  /** True once `message_stop` arrived: a stream that ends before that was cut. */
  readonly finished: boolean;
  /** Usage reported so far; undefined until `message_start` brought it. */
  readonly usage: Usage | undefined;
}

export const createAnthropicStreamTranslator = (
  modelId: string,
  secrets: readonly (string | undefined)[] = [],
): AnthropicStreamTranslator => {
  const created = nowSeconds();
  let id: string | undefined;
  let finished = false;
  let usage: Record<string, unknown> | undefined;
  // OpenAI numbers tool calls from 0; Anthropic numbers all content blocks (text included).
  const toolIndexByBlock = new Map<number, number>();

  const chunk = (delta: ChatCompletionChunk['choices'][number]['delta'], finishReason: FinishReason | null = null) => {
    if (id === undefined) throw upstreamProtocolError(PROVIDER, modelId, 'the stream did not start with message_start');
    return {
      id,
      object: 'chat.completion.chunk',
      created,
      model: modelId,
      choices: [{ index: 0, delta, finish_reason: finishReason }],
    } satisfies ChatCompletionChunk;
  };

  const translate = (event: unknown): ChatCompletionChunk[] => {
    if (!isObject(event) || typeof event.type !== 'string') {
      throw upstreamProtocolError(PROVIDER, modelId, 'a stream event has no type');
    }
    switch (event.type) {
      case 'message_start': {
        const message = isObject(event.message) ? event.message : {};
        if (typeof message.id !== 'string') throw upstreamProtocolError(PROVIDER, modelId, 'message_start has no message id');
        id = message.id;
        if (isObject(message.usage)) usage = { ...message.usage };
        return [chunk({ role: 'assistant', content: '' })];
      }
      case 'content_block_start': {
        const block = isObject(event.content_block) ? event.content_block : {};
        if (block.type === 'tool_use' && typeof event.index === 'number') {
          const index = toolIndexByBlock.size;
          toolIndexByBlock.set(event.index, index);
          const name = typeof block.name === 'string' ? block.name : '';
          const callId = typeof block.id === 'string' ? block.id : '';
          return [chunk({ tool_calls: [{ index, id: callId, type: 'function', function: { name, arguments: '' } }] })];
        }
        if (block.type === 'text' && typeof block.text === 'string' && block.text !== '') return [chunk({ content: block.text })];
        return [];
      }
      case 'content_block_delta': {
        const delta = isObject(event.delta) ? event.delta : {};
        if (delta.type === 'text_delta' && typeof delta.text === 'string') return [chunk({ content: delta.text })];
        if (delta.type === 'input_json_delta' && typeof delta.partial_json === 'string' && delta.partial_json !== '') {
          const index = typeof event.index === 'number' ? toolIndexByBlock.get(event.index) : undefined;
          if (index === undefined) throw upstreamProtocolError(PROVIDER, modelId, 'input_json_delta outside a tool_use block');
          return [chunk({ tool_calls: [{ index, function: { arguments: delta.partial_json } }] })];
        }
        // thinking_delta, signature_delta, citations_delta: nothing to show in the OpenAI shape.
        return [];
      }
      case 'message_delta': {
        // The delta's usage is cumulative; newer API versions repeat input and cache counts here too.
        if (isObject(event.usage)) usage = { ...usage, ...event.usage };
        const delta = isObject(event.delta) ? event.delta : {};
        return delta.stop_reason == null ? [] : [chunk({}, toFinishReason(delta.stop_reason))];
      }
      case 'message_stop':
        if (id === undefined) throw upstreamProtocolError(PROVIDER, modelId, 'message_stop before message_start');
        finished = true;
        return [];
      case 'error': {
        const error = isObject(event.error) ? event.error : {};
        throw upstreamHttpError({
          provider: PROVIDER,
          modelId,
          status: anthropicErrorStatus(error.type),
          message: anthropicErrorMessage(event),
          secrets,
        });
      }
      default:
        // ping, content_block_stop, and event types added later (Anthropic's versioning policy allows that).
        return [];
    }
  };

  return {
    translate,
    get finished() {
      return finished;
    },
    get usage() {
      return usage === undefined ? undefined : fromAnthropicUsage(usage);
    },
  };
};

const requestHeaders = (target: ModelTarget): Record<string, string> => {
  // Config headers may override the version or add `anthropic-beta`; the key always comes from the secret.
  const headers: Record<string, string> = { 'anthropic-version': ANTHROPIC_VERSION, ...target.config.headers };
  if (target.apiKey !== undefined) headers['x-api-key'] = target.apiKey;
  return headers;
};

export const createAnthropicProvider = (): Provider => {
  const endpointOf = cachedEndpoints((target) => ({
    url: upstreamUrl(target.config.baseUrl ?? ANTHROPIC_DEFAULT_BASE_URL, '/v1/messages', target.config.query),
    headers: requestHeaders(target),
  }));
  const callUpstream = (request: ChatRequest, target: ModelTarget, options: ProviderCallOptions, stream: boolean) => {
    // Translate first: a request Anthropic cannot take fails before any network call.
    const body = toAnthropicRequest(request, target, stream);
    return postUpstream({ ...endpointOf(target), body, stream }, target, options, anthropicErrorMessage);
  };

  return {
    name: PROVIDER,

    async complete(request, target, options): Promise<CompletionResult> {
      const call = await callUpstream(request, target, options, false);
      return fromAnthropicResponse(await readJsonBody(call), target.config.id);
    },

    async *stream(request, target, options): AsyncGenerator<StreamEvent> {
      const modelId = target.config.id;
      const call = await callUpstream(request, target, options, true);
      const translator = createAnthropicStreamTranslator(modelId, [target.apiKey]);
      let text = '';
      for await (const event of readSseEvents(call)) {
        let data: unknown;
        try {
          data = JSON.parse(event.data);
        } catch {
          throw upstreamProtocolError(PROVIDER, modelId, 'a stream event is not JSON');
        }
        for (const chunk of translator.translate(data)) {
          for (const choice of chunk.choices) text += deltaOutputText(choice.delta);
          yield { type: 'chunk', chunk };
        }
        // Stop at the end marker rather than wait for the socket to close.
        if (translator.finished) break;
      }
      if (!translator.finished) throw upstreamStreamCutError(PROVIDER, modelId);
      yield {
        type: 'usage',
        usage: translator.usage ?? estimateUsage(request, text),
      };
    },
  };
};
