import { setTimeout as sleep } from 'node:timers/promises';
import type { ChatCompletion, ChatCompletionChunk } from '../api/chat-response.ts';
import { toOpenAIUsage } from '../api/chat-response.ts';
import { type MockChoice, mockChoices, mockUsage } from './mock/mock-answer.ts';
import { mockEmbed } from './mock-embeddings.ts';
import type { CompletionResult, Provider, StreamEvent } from './types.ts';

// A built-in model that needs no network or key: the zero-config `npm start`, demos and tests.
// Its answers are a pure function of the request (mock/mock-answer.ts), so the same request
// always gets the same reply: text, tool calls, JSON for a schema, `n` choices, usage.

type Delta = ChatCompletionChunk['choices'][number]['delta'];

/** Splits text into word-sized pieces (JSON at its commas and colons too), as a real model streams it. */
const pieces = (text: string): string[] => text.match(/[^\s,:]+[\s,:]*|[\s,:]+/g) ?? [];

/** A choice as the deltas a model streams: the role, each tool call (header, then its arguments), the text. */
const deltasOf = (choice: MockChoice): Delta[] => [
  { role: 'assistant', content: '' },
  ...choice.toolCalls.flatMap((call, index): Delta[] => [
    { tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.function.name, arguments: '' } }] },
    ...pieces(call.function.arguments).map((piece): Delta => ({ tool_calls: [{ index, function: { arguments: piece } }] })),
  ]),
  ...pieces(choice.content ?? '').map((piece): Delta => ({ content: piece })),
];

export const createMockProvider = (): Provider => ({
  name: 'mock',
  embed: mockEmbed,

  async complete(request, target, options): Promise<CompletionResult> {
    options.signal.throwIfAborted();
    // A zero sleep is still a timer turn (~1 ms): skip it when no latency is configured.
    if (target.config.mock?.latencyMs) await sleep(target.config.mock.latencyMs, undefined, { signal: options.signal });
    const choices = mockChoices(request, target.config.id);
    const usage = mockUsage(request, choices);
    const completion: ChatCompletion = {
      id: `chatcmpl-${options.requestId}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: target.config.id,
      choices: choices.map((choice, index) => ({
        index,
        message: {
          role: 'assistant',
          content: choice.content,
          refusal: null,
          ...(choice.toolCalls.length > 0 ? { tool_calls: choice.toolCalls } : {}),
        },
        logprobs: null,
        finish_reason: choice.finishReason,
      })),
      usage: toOpenAIUsage(usage),
    };
    return { completion, usage };
  },

  async *stream(request, target, options): AsyncGenerator<StreamEvent> {
    const { latencyMs = 0, tokenDelayMs = 0 } = target.config.mock ?? {};
    options.signal.throwIfAborted();
    if (latencyMs > 0) await sleep(latencyMs, undefined, { signal: options.signal });
    const choices = mockChoices(request, target.config.id);
    const base = {
      id: `chatcmpl-${options.requestId}`,
      object: 'chat.completion.chunk' as const,
      created: Math.floor(Date.now() / 1000),
      model: target.config.id,
    };
    const chunk = (index: number, delta: Delta, finishReason: MockChoice['finishReason'] | null = null): StreamEvent => ({
      type: 'chunk',
      chunk: { ...base, choices: [{ index, delta, logprobs: null, finish_reason: finishReason }] },
    });
    // Several choices stream interleaved, one delta of each in turn, as OpenAI's do.
    const deltas = choices.map(deltasOf);
    const steps = Math.max(...deltas.map((list) => list.length));
    for (let step = 0; step < steps; step++) {
      if (step > 0 && tokenDelayMs > 0) await sleep(tokenDelayMs, undefined, { signal: options.signal });
      for (const [index, list] of deltas.entries()) {
        const delta = list[step];
        if (delta) yield chunk(index, delta);
      }
    }
    for (const [index, choice] of choices.entries()) yield chunk(index, {}, choice.finishReason);
    yield { type: 'usage', usage: mockUsage(request, choices) };
  },
});
