import { type EventSourceMessage, EventSourceParserStream } from 'eventsource-parser/stream';
import { upstreamProtocolError, upstreamStreamCutError } from './upstream-errors.ts';
import type { UpstreamCall } from './upstream-fetch.ts';

/**
 * Reads an upstream's SSE body as parsed events. Read errors (timeouts, client aborts, resets)
 * come out as the router's errors, and the call is closed however the loop ends.
 */
export async function* readSseEvents(call: UpstreamCall): AsyncGenerator<EventSourceMessage> {
  const body = call.response.body;
  if (body === null) {
    call.close();
    return;
  }
  const events = body.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream());
  const reader = events.getReader();
  try {
    while (true) {
      let next: ReadableStreamReadResult<EventSourceMessage>;
      try {
        next = await reader.read();
      } catch (error) {
        // Timeouts and aborts keep their own error; anything else after the headers is a cut stream.
        throw call.signal.aborted ? call.readError(error) : upstreamStreamCutError(call.provider, call.modelId);
      }
      if (next.done) return;
      yield next.value;
    }
  } finally {
    call.close();
    // Cancelling releases the upstream socket when the consumer stops early (client went away).
    reader.cancel().catch(() => undefined);
  }
}

/** Reads a JSON body, converting read failures (a timeout mid-body, bad JSON) into the router's errors. */
export const readJsonBody = async (call: UpstreamCall): Promise<unknown> => {
  try {
    return await call.response.json();
  } catch (error) {
    if (error instanceof SyntaxError) throw upstreamProtocolError(call.provider, call.modelId, 'the body is not JSON');
    throw call.readError(error);
  } finally {
    call.close();
  }
};
