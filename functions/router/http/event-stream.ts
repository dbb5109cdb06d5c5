import { Readable } from 'node:stream';
import { type ChatCompletionChunk, deltaOutputText, type Usage } from '#shared/api/chat-response.ts';
import type { StreamEvent } from '#shared/providers/types.ts';

export const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  // Tells proxies (nginx and friends) not to buffer the stream.
  'x-accel-buffering': 'no',
} as const;

/** What the inference core wants to hear while a stream is encoded (usage and cost are recorded there). */
export interface StreamHooks {
  /** Called once with the upstream's usage when the stream completes. */
  onUsage: (usage: Usage) => void;
  /** Called when the stream fails after the 200 went out, with the text streamed so far. */
  onError: (error: unknown, streamedText: string) => void;
  /** Called when the client goes away before the end, with the text the upstream produced so far. */
  onClientClose: (streamedText: string) => void;
  /** The request's id, named in a failure's error event (the headers are long gone by then). */
  requestId?: string;
}

/**
 * A client API's wire format for a stream: the frames for each provider event. Formats may keep
 * state (one is made per response), e.g. to open a message before its first delta.
 */
export interface StreamFormat {
  chunk(chunk: ChatCompletionChunk): string[];
  /** The usage event, which follows the last chunk; `last` is that chunk. */
  usage(usage: Usage, last: ChatCompletionChunk | undefined): string[];
  /** After a clean end. */
  end(): string[];
  /**
   * After a failure once the 200 went out: the status cannot change any more, so the stream ends
   * with the API's error event and no end marker, and clients see an error, never a truncated
   * answer passed off as complete.
   */
  error(error: unknown, requestId?: string): string[];
}

/**
 * Encodes provider events in a client API's format, as a Readable that a client's hang-up
 * destroys. The output produced so far (text, refusals, tool calls) is kept, so a cut or a hang-up
 * is still billed for it.
 */
export const eventStream = (
  first: StreamEvent,
  rest: AsyncIterator<StreamEvent>,
  format: StreamFormat,
  hooks: StreamHooks,
): Readable => {
  let completed = false;
  let clientClosed = false;
  let text = '';
  async function* encode(): AsyncGenerator<string> {
    let last: ChatCompletionChunk | undefined;
    let event: StreamEvent | undefined = first;
    try {
      while (event !== undefined) {
        if (event.type === 'chunk') {
          last = event.chunk;
          // Refusals and tool calls are output too: a cut or a hang-up mid-call is billed for them.
          for (const { delta } of event.chunk.choices) text += deltaOutputText(delta);
          yield* format.chunk(event.chunk);
        } else {
          hooks.onUsage(event.usage);
          yield* format.usage(event.usage, last);
        }
        const next: IteratorResult<StreamEvent> = await rest.next();
        event = next.done ? undefined : next.value;
      }
      completed = true;
      yield* format.end();
    } catch (error) {
      // After a disconnect the failure is our own abort of the upstream: nobody is listening.
      if (clientClosed) return;
      completed = true;
      hooks.onError(error, text);
      yield* format.error(error, hooks.requestId);
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
        hooks.onClientClose(text);
      }
      // Let the encoder unwind (its finally closes the upstream iterator) without waiting for it.
      frames.return(undefined).catch(() => undefined);
      callback(error);
    },
  });
};
