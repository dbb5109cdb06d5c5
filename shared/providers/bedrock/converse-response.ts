import type { ConverseResponse, TokenUsage } from '@aws-sdk/client-bedrock-runtime';
import type { ChatRequest, ToolCall } from '../../api/chat-request.ts';
import type { FinishReason, Usage } from '../../api/chat-response.ts';
import { messageOutputText, toOpenAIUsage } from '../../api/chat-response.ts';
import { estimateUsage } from '../../tokens/estimate-tokens.ts';
import type { CompletionResult } from '../types.ts';
import { upstreamProtocolError } from '../upstream-errors.ts';
import { PROVIDER } from './bedrock-errors.ts';

// Converse responses (usage, finish reasons, messages) in OpenAI's shape.

/** What a token estimate needs when Bedrock reports no usage. */
export type UsageSource = Pick<ChatRequest, 'messages' | 'tools'>;

const FINISH_REASONS: Partial<Record<string, FinishReason>> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool_calls',
  guardrail_intervened: 'content_filter',
  content_filtered: 'content_filter',
};

export const toFinishReason = (stopReason: string | undefined): FinishReason => FINISH_REASONS[stopReason ?? ''] ?? 'stop';

/**
 * Bedrock counts cache reads and writes apart from `inputTokens` (its `totalTokens` is the sum of
 * all four fields), so the prompt is their sum and the cache hits are a subset of it.
 */
export const fromConverseUsage = (usage: TokenUsage | undefined): Usage | undefined => {
  if (typeof usage?.inputTokens !== 'number') return undefined;
  const cacheRead = usage.cacheReadInputTokens ?? 0;
  return {
    promptTokens: usage.inputTokens + cacheRead + (usage.cacheWriteInputTokens ?? 0),
    completionTokens: usage.outputTokens ?? 0,
    cachedTokens: cacheRead,
    estimated: false,
  };
};

export const completionId = (): string => `chatcmpl-${crypto.randomUUID().replaceAll('-', '')}`;

/** A Converse response in OpenAI's shape, `model` set to the router's model id. */
export const fromConverseOutput = (
  output: Pick<ConverseResponse, 'output' | 'stopReason' | 'usage'>,
  modelId: string,
  request?: UsageSource,
): CompletionResult => {
  const content = output.output?.message?.content;
  if (!content) throw upstreamProtocolError(PROVIDER, modelId, 'no message in the Converse output');
  let text = '';
  const toolCalls: ToolCall[] = [];
  for (const block of content) {
    if (block.text !== undefined) text += block.text;
    else if (block.toolUse) {
      const { toolUseId = '', name = '', input } = block.toolUse;
      toolCalls.push({ id: toolUseId, type: 'function', function: { name, arguments: JSON.stringify(input ?? {}) } });
    }
    // Reasoning blocks are the model's scratchpad, not its answer: they are not passed on.
  }
  // Tool calls are output too, when an estimate has to stand in for the reported usage.
  const usage =
    fromConverseUsage(output.usage) ??
    estimateUsage(request ?? { messages: [] }, messageOutputText({ content: text, tool_calls: toolCalls }));
  const message = toolCalls.length > 0 ? { content: text || null, tool_calls: toolCalls } : { content: text };
  return {
    completion: {
      id: completionId(),
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: modelId,
      choices: [{ index: 0, message: { role: 'assistant', ...message }, finish_reason: toFinishReason(output.stopReason) }],
      usage: toOpenAIUsage(usage),
    },
    usage,
  };
};
