import type { Readable } from 'node:stream';
import { describe, expect, onTestFinished, test, vi } from 'vitest';
import { SSE_HEADERS, type SseStreamOptions, sseStream } from '#functions/router/http/sse-stream.ts';
import type { ChatCompletionChunk, Usage } from '#shared/api/chat-response.ts';
import { UpstreamError } from '#shared/errors.ts';
import type { StreamEvent } from '#shared/providers/types.ts';

const chunk = (content: string, finishReason: 'stop' | null = null): ChatCompletionChunk => ({
  id: 'chatcmpl-1',
  object: 'chat.completion.chunk',
  created: 1_700_000_000,
  model: 'm',
  choices: [{ index: 0, delta: { content }, logprobs: null, finish_reason: finishReason }],
});

const USAGE: Usage = { promptTokens: 12, completionTokens: 3, cachedTokens: 2, estimated: false };

const chunkEvent = (content: string, finishReason: 'stop' | null = null): StreamEvent => ({
  type: 'chunk',
  chunk: chunk(content, finishReason),
});

/** A provider stream: the given events, then optionally a failure; records whether it was closed. */
const fakeUpstream = (events: readonly StreamEvent[], failure?: unknown) => {
  const state = { closed: false };
  async function* generate(): AsyncGenerator<StreamEvent> {
    try {
      yield* events;
      if (failure !== undefined) throw failure;
    } finally {
      state.closed = true;
    }
  }
  return { iterator: generate(), state };
};

const options = (includeUsage: boolean) => ({
  includeUsage,
  onUsage: vi.fn<SseStreamOptions['onUsage']>(),
  onError: vi.fn<SseStreamOptions['onError']>(),
  onClientClose: vi.fn<SseStreamOptions['onClientClose']>(),
});

const readAll = async (readable: Readable): Promise<string> => {
  let out = '';
  for await (const piece of readable) out += typeof piece === 'string' ? piece : (piece as Buffer).toString('utf8');
  return out;
};

const frames = (text: string): string[] => text.split(/(?<=\n\n)/);

describe('sseStream', () => {
  test('SSE headers disable caching and proxy buffering', () => {
    // Assess
    expect(SSE_HEADERS).toEqual({
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      'x-accel-buffering': 'no',
    });
  });

  test('writes one data frame per chunk and ends with [DONE]', async () => {
    // Prepare
    const upstream = fakeUpstream([chunkEvent(' world'), chunkEvent('', 'stop'), { type: 'usage', usage: USAGE }]);
    const opts = options(false);

    // Act
    const text = await readAll(sseStream(chunkEvent('Hello'), upstream.iterator, opts));

    // Assess
    expect(frames(text)).toEqual([
      `data: ${JSON.stringify(chunk('Hello'))}\n\n`,
      `data: ${JSON.stringify(chunk(' world'))}\n\n`,
      `data: ${JSON.stringify(chunk('', 'stop'))}\n\n`,
      'data: [DONE]\n\n',
    ]);
    expect(opts.onUsage).toHaveBeenCalledTimes(1);
    expect(opts.onUsage).toHaveBeenCalledWith(USAGE);
    expect(opts.onError).not.toHaveBeenCalled();
    expect(opts.onClientClose).not.toHaveBeenCalled();
    expect(upstream.state.closed).toBe(true);
  });

  test('adds OpenAI’s usage chunk before [DONE] when the client asked for it', async () => {
    // Prepare
    const upstream = fakeUpstream([chunkEvent('', 'stop'), { type: 'usage', usage: USAGE }]);
    const opts = options(true);

    // Act
    const text = await readAll(sseStream(chunkEvent('Hello'), upstream.iterator, opts));

    // Assess
    const all = frames(text);
    expect(all).toHaveLength(4);
    expect(all[2]).toBe(
      `data: ${JSON.stringify({
        id: 'chatcmpl-1',
        object: 'chat.completion.chunk',
        created: 1_700_000_000,
        model: 'm',
        choices: [],
        usage: { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15, prompt_tokens_details: { cached_tokens: 2 } },
      })}\n\n`,
    );
    expect(all[3]).toBe('data: [DONE]\n\n');
    expect(opts.onUsage).toHaveBeenCalledTimes(1);
  });

  test('a failure after some chunks ends with an OpenAI error frame and no [DONE]', async () => {
    // Prepare
    const failure = new UpstreamError(502, "openai ended the stream for model 'm' before it was complete", {
      provider: 'openai',
      retryable: true,
      code: 'upstream_stream_cut',
    });
    const upstream = fakeUpstream([chunkEvent(' wor')], failure);
    const opts = options(true);

    // Act
    const text = await readAll(sseStream(chunkEvent('Hello'), upstream.iterator, opts));

    // Assess
    expect(frames(text)).toEqual([
      `data: ${JSON.stringify(chunk('Hello'))}\n\n`,
      `data: ${JSON.stringify(chunk(' wor'))}\n\n`,
      `data: ${JSON.stringify({
        error: {
          message: "openai ended the stream for model 'm' before it was complete",
          type: 'upstream_error',
          param: null,
          code: 'upstream_stream_cut',
        },
      })}\n\n`,
    ]);
    expect(text).not.toContain('[DONE]');
    expect(opts.onError).toHaveBeenCalledTimes(1);
    expect(opts.onError).toHaveBeenCalledWith(failure, 'Hello wor');
    expect(opts.onUsage).not.toHaveBeenCalled();
    expect(opts.onClientClose).not.toHaveBeenCalled();
  });

  /** A chunk with a tool call's delta (its name with the first one, then argument pieces). */
  const toolCallEvent = (delta: { id?: string; name?: string; arguments: string }): StreamEvent => ({
    type: 'chunk',
    chunk: {
      ...chunk(''),
      choices: [
        {
          index: 0,
          delta: {
            tool_calls: [
              {
                index: 0,
                ...(delta.id ? { id: delta.id, type: 'function' as const } : {}),
                function: { ...(delta.name ? { name: delta.name } : {}), arguments: delta.arguments },
              },
            ],
          },
          logprobs: null,
          finish_reason: null,
        },
      ],
    },
  });

  test('a cut or a hang-up during a tool call reports the streamed name and arguments, which were produced and are billed', async () => {
    // Prepare: a model that streams a long tool call (no text at all), then fails or loses its client.
    const args = `{"essay":"${'routers and models '.repeat(50)}`;
    const events = [toolCallEvent({ arguments: args.slice(0, 400) }), toolCallEvent({ arguments: args.slice(400) })];
    const failure = new UpstreamError(502, 'cut', { provider: 'openai', retryable: true, code: 'upstream_stream_cut' });
    const cut = options(false);
    const hungUp = options(false);
    const first = toolCallEvent({ id: 'call_1', name: 'save_essay', arguments: '' });

    // Act
    await readAll(sseStream(first, fakeUpstream(events, failure).iterator, cut));
    const readable = sseStream(first, fakeUpstream(events).iterator, hungUp);
    readable.on('error', () => undefined);
    let read = 0;
    for await (const _frame of readable) if (++read === 3) break;

    // Assess
    expect(cut.onError).toHaveBeenCalledWith(failure, `save_essay${args}`);
    await vi.waitFor(() => expect(hungUp.onClientClose).toHaveBeenCalledWith(`save_essay${args}`));
  });

  test('an unexpected failure mid-stream sends a generic error that hides its message', async () => {
    // Prepare
    const upstream = fakeUpstream([], new Error('db password is hunter2'));
    const opts = options(false);

    // Act
    const text = await readAll(sseStream(chunkEvent('Hi'), upstream.iterator, opts));

    // Assess
    expect(frames(text).at(-1)).toBe(
      `data: ${JSON.stringify({
        error: { message: 'The router failed to process the request.', type: 'api_error', param: null, code: 'internal_error' },
      })}\n\n`,
    );
    expect(text).not.toContain('hunter2');
    expect(opts.onError).toHaveBeenCalledWith(expect.any(Error), 'Hi');
  });

  test('a client that goes away before the first read is reported once, not as an error', async () => {
    // Prepare
    const upstream = fakeUpstream([chunkEvent(' world'), { type: 'usage', usage: USAGE }]);
    const opts = options(false);
    const readable = sseStream(chunkEvent('Hello'), upstream.iterator, opts);
    readable.on('error', () => undefined);
    const closed = new Promise<void>((resolve) => readable.once('close', () => resolve()));

    // Act
    readable.destroy();
    await closed;

    // Assess
    expect(opts.onClientClose).toHaveBeenCalledTimes(1);
    expect(opts.onError).not.toHaveBeenCalled();
    expect(opts.onUsage).not.toHaveBeenCalled();
  });

  /** An upstream that sends one more chunk, then waits for tokens until the router aborts it (as a real provider does). */
  const silentUpstream = () => {
    const controller = new AbortController();
    const state = { waiting: false, closed: false };
    async function* generate(): AsyncGenerator<StreamEvent> {
      try {
        yield chunkEvent(' world');
        state.waiting = true;
        await new Promise((_resolve, reject) =>
          controller.signal.addEventListener('abort', () => reject(controller.signal.reason)),
        );
      } finally {
        state.closed = true;
      }
    }
    return { iterator: generate(), controller, state };
  };

  // BUG: sseStream relies on the Readable's 'close' event, but Readable.from only closes after it
  // has thrown the destroy error into the encoder. The encoder's catch then sets `completed` and
  // calls onError with the AbortError, so a disconnect is recorded as a stream error
  // (outcome.streamError) and onClientClose is never called.
  test('a client that goes away mid-stream is a client close, not a stream error', async () => {
    // Prepare
    const upstream = silentUpstream();
    onTestFinished(() => upstream.controller.abort());
    const opts = options(false);
    opts.onClientClose.mockImplementation(() => upstream.controller.abort(new Error('client closed the connection')));
    const readable = sseStream(chunkEvent('Hello'), upstream.iterator, opts);
    readable.on('error', () => undefined);

    // Act
    for await (const _frame of readable) break;

    // Assess
    await vi.waitFor(() => expect(opts.onClientClose).toHaveBeenCalledTimes(1));
    expect(opts.onError).not.toHaveBeenCalled();
  });

  // BUG: when the client goes away while the router waits for the upstream's next event, the
  // destroy waits behind that pending `rest.next()`: no 'close', no onClientClose, so the
  // upstream call is not aborted and keeps running (and billing) until it answers or times out.
  test('a client that goes away while the upstream is silent aborts the upstream', async () => {
    // Prepare
    const upstream = silentUpstream();
    onTestFinished(() => upstream.controller.abort());
    const opts = options(false);
    opts.onClientClose.mockImplementation(() => upstream.controller.abort(new Error('client closed the connection')));
    const readable = sseStream(chunkEvent('Hello'), upstream.iterator, opts);
    readable.on('error', () => undefined);

    // Act: read both frames, so the router is waiting on the upstream, then hang up.
    let read = 0;
    for await (const _frame of readable) if (++read === 2) break;

    // Assess
    expect(upstream.state.waiting).toBe(true);
    await vi.waitFor(() => expect(upstream.state.closed).toBe(true));
    expect(opts.onClientClose).toHaveBeenCalledTimes(1);
  });
});
