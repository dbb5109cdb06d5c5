import type { Readable } from 'node:stream';
import {
  type AnthropicStopReason,
  anthropicMessageId,
  toAnthropicErrorBody,
  toAnthropicStopReason,
  toAnthropicUsage,
} from '#shared/api/anthropic-response.ts';
import type { ChatCompletionChunk, Usage } from '#shared/api/chat-response.ts';
import { toOpenAIError } from '#shared/errors.ts';
import type { StreamEvent } from '#shared/providers/types.ts';
import { eventStream, type StreamFormat, type StreamHooks } from './event-stream.ts';

export interface AnthropicStreamOptions {
  /** The serving model's id, for `message_start`. */
  model: string;
  /**
   * The router's estimate of the prompt, for `message_start`: Anthropic reports input tokens up
   * front, the router learns them at the end. `message_delta` then carries the real count,
   * which Anthropic's SDKs take over the first.
   */
  inputTokens: number;
  /** The message id when the stream has no chunk to take one from. */
  fallbackId: string;
  /** The usage the client is billed for, given what the upstream reported. */
  billed?: (reported: Usage) => Usage;
}

const frame = (type: string, data: Record<string, unknown>): string =>
  `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;

type OpenBlock = { kind: 'text'; index: number } | { kind: 'tool'; index: number };

/**
 * Anthropic's Messages stream from chat chunks: `message_start`, content blocks (`text` with
 * `text_delta`, `tool_use` with `input_json_delta`) each opened, filled and stopped in turn,
 * `message_delta` with the stop reason and usage, `message_stop`; a failure after the 200 ends
 * with an `error` event instead. One format per response: it tracks the open block.
 */
export const anthropicStreamFormat = (options: AnthropicStreamOptions): StreamFormat => {
  let started = false;
  let blocks = 0;
  let open: OpenBlock | undefined;
  // Chat chunks number tool calls from 0; Anthropic numbers all content blocks, text included.
  const toolBlocks = new Map<number, number>();
  let stopReason: AnthropicStopReason = 'end_turn';
  let usage: Usage | undefined;

  const start = (id: string): string[] => {
    if (started) return [];
    started = true;
    return [
      frame('message_start', {
        message: {
          id: anthropicMessageId(id),
          type: 'message',
          role: 'assistant',
          model: options.model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: {
            input_tokens: options.inputTokens,
            output_tokens: 0,
            cache_creation_input_tokens: 0,
            cache_read_input_tokens: 0,
          },
        },
      }),
    ];
  };

  const close = (): string[] => {
    if (open === undefined) return [];
    const index = open.index;
    open = undefined;
    return [frame('content_block_stop', { index })];
  };

  const openBlock = (kind: OpenBlock['kind'], contentBlock: Record<string, unknown>): string[] => {
    const frames = close();
    const index = blocks;
    blocks += 1;
    open = { kind, index };
    frames.push(frame('content_block_start', { index, content_block: contentBlock }));
    return frames;
  };

  const text = (delta: string): string[] => {
    const frames = open?.kind === 'text' ? [] : openBlock('text', { type: 'text', text: '' });
    frames.push(frame('content_block_delta', { index: blocks - 1, delta: { type: 'text_delta', text: delta } }));
    return frames;
  };

  const toolCalls = (calls: NonNullable<ChatCompletionChunk['choices'][number]['delta']['tool_calls']>): string[] => {
    const frames: string[] = [];
    for (const call of calls) {
      let index = toolBlocks.get(call.index);
      if (index === undefined) {
        frames.push(
          ...openBlock('tool', {
            type: 'tool_use',
            id: call.id ?? `toolu_${blocks}`,
            name: call.function?.name ?? '',
            input: {},
          }),
        );
        index = blocks - 1;
        toolBlocks.set(call.index, index);
      }
      const partial = call.function?.arguments;
      // Upstreams send parallel calls one after the other; should one come back to an earlier
      // call, its delta still names that call's block, which is how Anthropic's SDKs accumulate.
      if (partial)
        frames.push(frame('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: partial } }));
    }
    return frames;
  };

  return {
    chunk: (chunk) => {
      const frames = start(chunk.id);
      // Anthropic requests have no `n`: one choice.
      const choice = chunk.choices[0];
      if (!choice) return frames;
      const { content, refusal, tool_calls: calls } = choice.delta;
      if (content) frames.push(...text(content));
      if (refusal) frames.push(...text(refusal));
      if (calls) frames.push(...toolCalls(calls));
      if (choice.finish_reason) stopReason = toAnthropicStopReason(choice.finish_reason);
      return frames;
    },
    usage: (reported) => {
      usage = options.billed ? options.billed(reported) : reported;
      return [];
    },
    end: () => [
      ...start(options.fallbackId),
      ...close(),
      frame('message_delta', {
        delta: { stop_reason: stopReason, stop_sequence: null },
        usage: usage ? toAnthropicUsage(usage) : { output_tokens: 0 },
      }),
      frame('message_stop', {}),
    ],
    error: (error, requestId) => {
      const { statusCode, body } = toOpenAIError(error, requestId);
      return [frame('error', { error: toAnthropicErrorBody(body, statusCode).error })];
    },
  };
};

/** Provider events as Anthropic's Messages SSE (see eventStream for hang-ups and cuts). */
export const anthropicStream = (
  first: StreamEvent,
  rest: AsyncIterator<StreamEvent>,
  options: AnthropicStreamOptions & StreamHooks,
): Readable => eventStream(first, rest, anthropicStreamFormat(options), options);
