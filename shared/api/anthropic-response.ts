import type { OpenAIErrorBody } from '../errors.ts';
import type { ChatCompletion, FinishReason, Usage } from './chat-response.ts';

// What the Anthropic Messages API answers, built from the router's chat completion: the message,
// its usage, and errors. Outputs we build, so plain types.

export type AnthropicStopReason = 'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use' | 'refusal';

export type AnthropicResponseBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };

export interface AnthropicUsage {
  /** Prompt tokens not read from the cache, as Anthropic counts them. */
  input_tokens: number;
  output_tokens: number;
  /** The router does not tell cache writes apart: they are in `input_tokens`. */
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

export interface AnthropicMessage {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: AnthropicResponseBlock[];
  stop_reason: AnthropicStopReason | null;
  stop_sequence: string | null;
  usage: AnthropicUsage;
}

export type AnthropicErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'billing_error'
  | 'permission_error'
  | 'not_found_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'api_error'
  | 'timeout_error'
  | 'overloaded_error';

export interface AnthropicErrorBody {
  type: 'error';
  /** `code` is the router's own error code (`insufficient_quota`, `model_not_allowed`, ...), beyond Anthropic's shape. */
  error: { type: AnthropicErrorType; message: string; code?: string };
}

/** Anthropic's ids start with `msg_`; the upstream's id is kept inside it, for support requests. */
export const anthropicMessageId = (id: string): string => (id.startsWith('msg_') ? id : `msg_${id}`);

/**
 * `stop` cannot tell a stop sequence from a natural end (no provider reports which sequence
 * matched through the chat format), so both read as `end_turn`.
 */
export const toAnthropicStopReason = (reason: FinishReason | null | undefined): AnthropicStopReason => {
  switch (reason) {
    case 'length':
      return 'max_tokens';
    case 'tool_calls':
    case 'function_call':
      return 'tool_use';
    case 'content_filter':
      return 'refusal';
    default:
      return 'end_turn';
  }
};

/** The router's prompt count includes cache reads; Anthropic's `input_tokens` does not. */
export const toAnthropicUsage = (usage: Usage): AnthropicUsage => ({
  input_tokens: Math.max(0, usage.promptTokens - usage.cachedTokens),
  output_tokens: usage.completionTokens,
  cache_creation_input_tokens: 0,
  cache_read_input_tokens: usage.cachedTokens,
});

/**
 * Tool arguments as Anthropic's `input` object. A model that wrote arguments that are not a JSON
 * object (possible on non-strict OpenAI tools) gets an empty input: the tool then reports the
 * missing arguments in its result, where the model can correct itself.
 */
export const toolInput = (args: string): Record<string, unknown> => {
  try {
    const input: unknown = JSON.parse(args);
    return typeof input === 'object' && input !== null && !Array.isArray(input) ? (input as Record<string, unknown>) : {};
  } catch {
    return {};
  }
};

/** A chat completion as Anthropic's message, with the usage it is billed for. */
export const toAnthropicMessage = (completion: ChatCompletion, usage: Usage): AnthropicMessage => {
  const choice = completion.choices[0];
  const message = choice?.message;
  const text = message?.content ?? message?.refusal ?? '';
  const content: AnthropicResponseBlock[] = [
    ...(text === '' ? [] : [{ type: 'text' as const, text }]),
    ...(message?.tool_calls ?? []).map((call) => ({
      type: 'tool_use' as const,
      id: call.id,
      name: call.function.name,
      input: toolInput(call.function.arguments),
    })),
  ];
  return {
    id: anthropicMessageId(completion.id),
    type: 'message',
    role: 'assistant',
    model: completion.model,
    content,
    stop_reason: toAnthropicStopReason(choice?.finish_reason),
    stop_sequence: null,
    usage: toAnthropicUsage(usage),
  };
};

/** Anthropic's error type for a status: its SDKs pick the exception class by status, the type says the rest. */
export const anthropicErrorType = (statusCode: number): AnthropicErrorType => {
  switch (statusCode) {
    case 401:
      return 'authentication_error';
    case 402:
      return 'billing_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case 503:
    case 529:
      return 'overloaded_error';
    case 504:
      return 'timeout_error';
    default:
      return statusCode < 500 ? 'invalid_request_error' : 'api_error';
  }
};

/** The router's error in Anthropic's shape; the status and headers stay the router's. */
export const toAnthropicErrorBody = (body: OpenAIErrorBody, statusCode: number): AnthropicErrorBody => ({
  type: 'error',
  error: {
    type: anthropicErrorType(statusCode),
    message: body.error.message,
    ...(body.error.code === null ? {} : { code: body.error.code }),
  },
});
