import type { Readable } from 'node:stream';
import { toOpenAIUsage } from '#shared/api/chat-response.ts';
import { toOpenAIError } from '#shared/errors.ts';
import type { StreamEvent } from '#shared/providers/types.ts';
import { eventStream, type StreamFormat, type StreamHooks } from './event-stream.ts';

export { SSE_HEADERS } from './event-stream.ts';

export interface SseStreamOptions extends StreamHooks {
  /** The client asked for `stream_options.include_usage`: emit OpenAI's final usage chunk. */
  includeUsage: boolean;
}

const frame = (data: unknown): string => `data: ${JSON.stringify(data)}\n\n`;

/**
 * OpenAI's chat-completions SSE: one `data:` line per chunk, the usage chunk when asked for, then
 * `data: [DONE]`; a failure after the first byte ends with an OpenAI error event and no `[DONE]`.
 */
export const openAIChatFormat = (includeUsage: boolean): StreamFormat => ({
  chunk: (chunk) => [frame(chunk)],
  usage: (usage, last) =>
    includeUsage && last
      ? [
          frame({
            id: last.id,
            object: 'chat.completion.chunk',
            created: last.created,
            model: last.model,
            choices: [],
            usage: toOpenAIUsage(usage),
          }),
        ]
      : [],
  end: () => ['data: [DONE]\n\n'],
  error: (error, requestId) => [frame(toOpenAIError(error, requestId).body)],
});

/** Provider events as OpenAI's SSE (see eventStream for hang-ups and cuts). */
export const sseStream = (first: StreamEvent, rest: AsyncIterator<StreamEvent>, options: SseStreamOptions): Readable =>
  eventStream(first, rest, openAIChatFormat(options.includeUsage), options);
