import { setTimeout as sleep } from 'node:timers/promises';
import type { ToolCall } from '../api/chat-request.ts';
import { type ChatRequest, contentText, requestedMaxTokens } from '../api/chat-request.ts';
import type { ChatCompletion, ChatCompletionChunk, FinishReason, Usage } from '../api/chat-response.ts';
import { toOpenAIUsage } from '../api/chat-response.ts';
import { estimatePromptTokens, estimateTextTokens } from '../tokens/estimate-tokens.ts';
import type { CompletionResult, ModelTarget, Provider, StreamEvent } from './types.ts';

// A built-in model that needs no network or key: the zero-config `npm start`, demos and tests.
// Its answers are a pure function of the request, so the same request always gets the same reply.

interface MockAnswer {
  content: string | null;
  toolCalls: ToolCall[];
  finishReason: FinishReason;
}

const lastUserText = (request: ChatRequest): string => {
  for (let i = request.messages.length - 1; i >= 0; i--) {
    const message = request.messages[i];
    if (message?.role === 'user') return contentText(message.content);
  }
  return '';
};

/** Which tool the mock calls: the forced one, or the first when tools are required. */
const chosenTool = (request: ChatRequest): string | undefined => {
  const tools = request.tools ?? [];
  const choice = request.tool_choice;
  if (tools.length === 0 || choice === 'none' || choice === undefined || choice === 'auto') return undefined;
  if (choice === 'required') return tools[0]?.function.name;
  return choice.function.name;
};

export const mockAnswer = (request: ChatRequest, target: ModelTarget): MockAnswer => {
  const prompt = lastUserText(request).replace(/\s+/g, ' ').trim();
  const tool = chosenTool(request);
  if (tool !== undefined) {
    const call: ToolCall = {
      id: `call_mock_${estimateTextTokens(prompt)}`,
      type: 'function',
      function: { name: tool, arguments: JSON.stringify({ query: prompt.slice(0, 200) }) },
    };
    return { content: null, toolCalls: [call], finishReason: 'tool_calls' };
  }
  const quoted = prompt.length > 200 ? `${prompt.slice(0, 200)}...` : prompt;
  const reply = `This is a mock reply from ${target.config.id}. You said: "${quoted}"`;
  const format = request.response_format?.type;
  let content = format === 'json_object' || format === 'json_schema' ? JSON.stringify({ reply }) : reply;
  const cap = requestedMaxTokens(request);
  let finishReason: FinishReason = 'stop';
  if (cap !== undefined && estimateTextTokens(content) > cap) {
    // Cut by the same estimate that reports usage, so a CJK reply stays within the cap too.
    let cut = '';
    for (const char of content) {
      if (estimateTextTokens(cut + char) > cap) break;
      cut += char;
    }
    content = cut;
    finishReason = 'length';
  }
  return { content, toolCalls: [], finishReason };
};

const mockUsage = (request: ChatRequest, answer: MockAnswer): Usage => ({
  promptTokens: estimatePromptTokens(request),
  completionTokens: estimateTextTokens(answer.content ?? JSON.stringify(answer.toolCalls)),
  cachedTokens: 0,
  estimated: false,
});

/** Splits text into word-sized pieces, as a real model streams it. */
const pieces = (text: string): string[] => text.match(/\S+\s*|\s+/g) ?? [];

export const createMockProvider = (): Provider => ({
  name: 'mock',

  async complete(request, target, options): Promise<CompletionResult> {
    options.signal.throwIfAborted();
    // A zero sleep is still a timer turn (~1 ms): skip it when no latency is configured.
    if (target.config.mock?.latencyMs) await sleep(target.config.mock.latencyMs, undefined, { signal: options.signal });
    const answer = mockAnswer(request, target);
    const usage = mockUsage(request, answer);
    const completion: ChatCompletion = {
      id: `chatcmpl-${options.requestId}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: target.config.id,
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: answer.content,
            refusal: null,
            ...(answer.toolCalls.length > 0 ? { tool_calls: answer.toolCalls } : {}),
          },
          logprobs: null,
          finish_reason: answer.finishReason,
        },
      ],
      usage: toOpenAIUsage(usage),
    };
    return { completion, usage };
  },

  async *stream(request, target, options): AsyncGenerator<StreamEvent> {
    const { latencyMs = 0, tokenDelayMs = 0 } = target.config.mock ?? {};
    options.signal.throwIfAborted();
    if (latencyMs > 0) await sleep(latencyMs, undefined, { signal: options.signal });
    const answer = mockAnswer(request, target);
    const base = {
      id: `chatcmpl-${options.requestId}`,
      object: 'chat.completion.chunk' as const,
      created: Math.floor(Date.now() / 1000),
      model: target.config.id,
    };
    const chunk = (
      delta: ChatCompletionChunk['choices'][number]['delta'],
      finishReason: FinishReason | null = null,
    ): StreamEvent => ({
      type: 'chunk',
      chunk: { ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }] },
    });
    yield chunk({ role: 'assistant', content: '' });
    for (const [index, call] of answer.toolCalls.entries()) {
      yield chunk({
        tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.function.name, arguments: '' } }],
      });
      yield chunk({ tool_calls: [{ index, function: { arguments: call.function.arguments } }] });
    }
    for (const piece of pieces(answer.content ?? '')) {
      if (tokenDelayMs > 0) await sleep(tokenDelayMs, undefined, { signal: options.signal });
      yield chunk({ content: piece });
    }
    yield chunk({}, answer.finishReason);
    yield { type: 'usage', usage: mockUsage(request, answer) };
  },
});
