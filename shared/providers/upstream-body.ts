import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { upstreamProtocolError, upstreamStreamCutError } from './upstream-errors.ts';
import type { UpstreamCall } from './upstream-fetch.ts';

/**
 * Reads an upstream's SSE body as parsed events. Read errors (timeouts, client aborts, resets)
 * come out as the router's errors, and the call is closed however the loop ends.
 */
export async function* readSseEvents(call: UpstreamCall): AsyncGenerator<EventSourceMessage> {
  const parsed: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (event) => parsed.push(event) });
  const decoder = new TextDecoder();
  try {
    const chunks = call.body[Symbol.asyncIterator]();
    while (true) {
      let next: IteratorResult<Buffer>;
      try {
        next = (await chunks.next()) as IteratorResult<Buffer>;
      } catch (error) {
        // Timeouts and aborts keep their own error; anything else after the headers is a cut stream.
        throw call.signal.aborted ? call.readError(error) : upstreamStreamCutError(call.provider, call.modelId);
      }
      if (next.done) {
        parser.feed(decoder.decode());
        yield* parsed.splice(0);
        return;
      }
      parser.feed(decoder.decode(next.value, { stream: true }));
      yield* parsed.splice(0);
    }
  } finally {
    // Closing drops an unfinished body (the client went away): the upstream stops generating.
    call.close();
  }
}

/** Reads a JSON body, converting read failures (a timeout mid-body, bad JSON) into the router's errors. */
export const readJsonBody = async (call: UpstreamCall): Promise<unknown> => {
  let text = '';
  try {
    call.body.setEncoding('utf8');
    for await (const chunk of call.body) text += chunk as string;
  } catch (error) {
    throw call.readError(error);
  } finally {
    call.close();
  }
  try {
    return JSON.parse(text);
  } catch {
    throw upstreamProtocolError(call.provider, call.modelId, 'the body is not JSON');
  }
};
