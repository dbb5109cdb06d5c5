import { Readable } from 'node:stream';
import type { ChatCompletionChunk, Usage } from '#shared/api/chat-response.ts';
import { toOpenAIUsage } from '#shared/api/chat-response.ts';
import { toOpenAIError } from '#shared/errors.ts';
import type { StreamEvent } from '#shared/providers/types.ts';

export const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  // Tells proxies (nginx and friends) not to buffer the stream.
  'x-accel-buffering': 'no',
} as const;

export interface SseStreamOptions {
  /** The client asked for `stream_options.include_usage`: emit OpenAI's final usage chunk. */
  includeUsage: boolean;
  /** Called once with the upstream's usage when the stream completes. */
  onUsage: (usage: Usage) => void;
  /** Called when the stream fails after the 200 went out, with the text streamed so far. */
  onError: (error: unknown, streamedText: string) => void;
  /** Called when the client goes away before the end, with the text the upstream produced so far. */
  onClientClose: (streamedText: string) => void;
}

const frame = (data: unknown): string => `data: ${JSON.stringify(data)}\n\n`;

/**
 * Encodes provider events as OpenAI's SSE: one `data:` line per chunk, the usage chunk when asked
 * for, then `data: [DONE]`. A failure after the first byte cannot change the status any more, so
 * it ends the stream with an OpenAI error event and no `[DONE]`: clients (and the `openai` SDK)
 * see an error, never a truncated answer passed off as complete.
 */
export const sseStream = (first: StreamEvent, rest: AsyncIterator<StreamEvent>, options: SseStreamOptions): Readable => {
  let completed = false;
  let clientClosed = false;
  // What the upstream produced so far: a client that hangs up is still billed for it.
  let text = '';
  async function* encode(): AsyncGenerator<string> {
    let last: ChatCompletionChunk | undefined;
    text = '';
    let event: StreamEvent | undefined = first;
    try {
      while (event !== undefined) {
        if (event.type === 'chunk') {
          last = event.chunk;
          for (const choice of event.chunk.choices) text += choice.delta.content ?? '';
          yield frame(event.chunk);
        } else {
          options.onUsage(event.usage);
          if (options.includeUsage && last) {
            yield frame({
              id: last.id,
              object: 'chat.completion.chunk',
              created: last.created,
              model: last.model,
              choices: [],
              usage: toOpenAIUsage(event.usage),
            });
          }
        }
        const next: IteratorResult<StreamEvent> = await rest.next();
        event = next.done ? undefined : next.value;
      }
      completed = true;
      yield 'data: [DONE]\n\n';
    } catch (error) {
      // After a disconnect the failure is our own abort of the upstream: nobody is listening.
      if (clientClosed) return;
      completed = true;
      options.onError(error, text);
      yield frame(toOpenAIError(error).body);
    } finally {
      await rest.return?.();
    }
  }

  const frames = encode();
  let reading = false;
  // A hand-rolled Readable rather than Readable.from: on destroy (the client hung up) it must
  // abort the upstream at once, even while a `rest.next()` is pending, and before the encoder can
  // mistake that abort for an upstream failure.
  return new Readable({
    read() {
      if (reading) return;
      reading = true;
      frames.next().then(
        (result) => {
          reading = false;
          if (result.done) this.push(null);
          else this.push(result.value);
        },
        (error: unknown) => {
          reading = false;
          this.destroy(error as Error);
        },
      );
    },
    destroy(error, callback) {
      if (!completed) {
        clientClosed = true;
        options.onClientClose(text);
      }
      // Let the encoder unwind (its finally closes the upstream iterator) without waiting for it.
      frames.return(undefined).catch(() => undefined);
      callback(error);
    },
  });
};
