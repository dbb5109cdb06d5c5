import { toOpenAIUsage } from '#shared/api/chat-response.ts';
import { toTextCompletionChunk } from '#shared/api/completions-response.ts';
import { toOpenAIError } from '#shared/errors.ts';
import type { StreamFormat } from './event-stream.ts';

const frame = (data: unknown): string => `data: ${JSON.stringify(data)}\n\n`;

/**
 * OpenAI's legacy completions SSE: one `text_completion` object per chunk, the usage chunk (no
 * choices) when the client asked for it, then `data: [DONE]`; a failure after the first byte ends
 * with an OpenAI error event and no `[DONE]`, as on chat.
 */
export const textCompletionFormat = (includeUsage: boolean): StreamFormat => ({
  chunk: (chunk) => [frame(toTextCompletionChunk(chunk))],
  usage: (usage, last) =>
    includeUsage && last
      ? [
          frame({
            id: last.id,
            object: 'text_completion',
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
