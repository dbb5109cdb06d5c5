import type { ToolCall } from './chat-request.ts';

// OpenAI response shapes the router produces. These are outputs we build, not inputs we
// validate, so they are plain types.

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'function_call';

export interface OpenAIUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: { cached_tokens: number };
  completion_tokens_details?: { reasoning_tokens?: number };
}

export interface ChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: Array<{
    index: number;
    message: {
      role: 'assistant';
      content: string | null;
      refusal?: string | null;
      tool_calls?: ToolCall[];
    };
    logprobs?: unknown;
    finish_reason: FinishReason | null;
  }>;
  usage?: OpenAIUsage;
  system_fingerprint?: string | null;
  [extra: string]: unknown;
}

export interface ToolCallDelta {
  index: number;
  id?: string;
  type?: 'function';
  function?: { name?: string; arguments?: string };
}

export interface ChatCompletionChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: Array<{
    index: number;
    delta: { role?: 'assistant'; content?: string | null; refusal?: string | null; tool_calls?: ToolCallDelta[] };
    logprobs?: unknown;
    finish_reason: FinishReason | null;
  }>;
  usage?: OpenAIUsage | null;
  system_fingerprint?: string | null;
  [extra: string]: unknown;
}

/**
 * The output a streamed choice carries: text, refusal, tool names and argument pieces. What a cut or
 * abandoned stream, or an upstream that reports no usage, is billed for (as an estimate).
 */
export const deltaOutputText = (delta: ChatCompletionChunk['choices'][number]['delta']): string => {
  let text = (delta.content ?? '') + (delta.refusal ?? '');
  for (const call of delta.tool_calls ?? []) text += (call.function?.name ?? '') + (call.function?.arguments ?? '');
  return text;
};

/** The output a completion's message carries (text, refusal, tool calls), for an estimate when no usage is reported. */
export const messageOutputText = (message: Partial<ChatCompletion['choices'][number]['message']> | undefined): string => {
  let text = (message?.content ?? '') + (message?.refusal ?? '');
  for (const call of message?.tool_calls ?? []) text += call.function.name + call.function.arguments;
  return text;
};

/** Token usage as the router records it, whatever the provider's spelling. */
export interface Usage {
  promptTokens: number;
  completionTokens: number;
  /** Prompt tokens served from the provider's cache (a subset of promptTokens). */
  cachedTokens: number;
  /** True when the upstream gave no usage and the router estimated it. */
  estimated: boolean;
}

export const toOpenAIUsage = (usage: Usage): OpenAIUsage => ({
  prompt_tokens: usage.promptTokens,
  completion_tokens: usage.completionTokens,
  total_tokens: usage.promptTokens + usage.completionTokens,
  prompt_tokens_details: { cached_tokens: usage.cachedTokens },
});
