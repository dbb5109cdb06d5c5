import type { Readable } from 'node:stream';
import { describe, expect, test, vi } from 'vitest';
import { type AnthropicStreamOptions, anthropicStream } from '#functions/router/http/anthropic-stream.ts';
import type { StreamHooks } from '#functions/router/http/event-stream.ts';
import type { ChatCompletionChunk, Usage } from '#shared/api/chat-response.ts';
import { UpstreamError } from '#shared/errors.ts';
import type { StreamEvent } from '#shared/providers/types.ts';

type Delta = ChatCompletionChunk['choices'][number]['delta'];
type Finish = ChatCompletionChunk['choices'][number]['finish_reason'];

const chunk = (delta: Delta, finish: Finish = null): StreamEvent => ({
  type: 'chunk',
  chunk: {
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    created: 1_700_000_000,
    model: 'gpt-fake',
    choices: [{ index: 0, delta, finish_reason: finish }],
  },
});

const USAGE: Usage = { promptTokens: 12, completionTokens: 3, cachedTokens: 2, estimated: false };

const options = (extra: Partial<AnthropicStreamOptions> = {}): AnthropicStreamOptions & StreamHooks => ({
  model: 'gpt-fake',
  inputTokens: 15,
  fallbackId: 'req-1',
  onUsage: vi.fn<StreamHooks['onUsage']>(),
  onError: vi.fn<StreamHooks['onError']>(),
  onClientClose: vi.fn<StreamHooks['onClientClose']>(),
  ...extra,
});

async function* upstream(events: readonly StreamEvent[], failure?: unknown): AsyncGenerator<StreamEvent> {
  yield* events;
  if (failure !== undefined) throw failure;
}

/** The stream's events as a client parses them: `event:` name and JSON data, which must agree on the type. */
const events = async (readable: Readable): Promise<Array<Record<string, unknown>>> => {
  let text = '';
  for await (const piece of readable) text += typeof piece === 'string' ? piece : (piece as Buffer).toString('utf8');
  return text
    .split('\n\n')
    .filter((frame) => frame !== '')
    .map((frame) => {
      const [eventLine, dataLine, ...rest] = frame.split('\n');
      const data = JSON.parse(dataLine?.replace(/^data: /, '') ?? '') as Record<string, unknown>;
      expect(rest).toEqual([]);
      expect(eventLine).toBe(`event: ${String(data.type)}`);
      return data;
    });
};

const run = async (all: StreamEvent[], extra: Partial<AnthropicStreamOptions> = {}, failure?: unknown) => {
  const [first, ...rest] = all;
  if (!first) throw new Error('no events');
  const opts = options(extra);
  return { opts, out: await events(anthropicStream(first, upstream(rest, failure), opts)) };
};

describe('anthropicStream', () => {
  test('text: message_start, one text block with its deltas, message_delta with stop reason and usage, message_stop', async () => {
    // Act
    const { out, opts } = await run([
      chunk({ role: 'assistant', content: '' }),
      chunk({ content: 'Hello' }),
      chunk({ content: ' world' }),
      chunk({}, 'stop'),
      { type: 'usage', usage: USAGE },
    ]);

    // Assess
    expect(out).toEqual([
      {
        type: 'message_start',
        message: {
          id: 'msg_chatcmpl-1',
          type: 'message',
          role: 'assistant',
          model: 'gpt-fake',
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { input_tokens: 15, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
        },
      },
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hello' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: ' world' } },
      { type: 'content_block_stop', index: 0 },
      {
        type: 'message_delta',
        delta: { stop_reason: 'end_turn', stop_sequence: null },
        usage: { input_tokens: 10, output_tokens: 3, cache_creation_input_tokens: 0, cache_read_input_tokens: 2 },
      },
      { type: 'message_stop' },
    ]);
    expect(opts.onUsage).toHaveBeenCalledWith(USAGE);
  });

  test('tool calls: each a tool_use block after the text, arguments as input_json_delta', async () => {
    // Act
    const { out } = await run([
      chunk({ role: 'assistant', content: 'Checking.' }),
      chunk({ tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] }),
      chunk({ tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'get_time', arguments: '{}' } }] }),
      chunk({}, 'tool_calls'),
      { type: 'usage', usage: USAGE },
    ]);

    // Assess
    expect(out.slice(1, -1)).toEqual([
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Checking.' } },
      { type: 'content_block_stop', index: 0 },
      {
        type: 'content_block_start',
        index: 1,
        content_block: { type: 'tool_use', id: 'call_a', name: 'get_weather', input: {} },
      },
      { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"city":' } },
      { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '"Paris"}' } },
      { type: 'content_block_stop', index: 1 },
      { type: 'content_block_start', index: 2, content_block: { type: 'tool_use', id: 'call_b', name: 'get_time', input: {} } },
      { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '{}' } },
      { type: 'content_block_stop', index: 2 },
      expect.objectContaining({ type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null } }),
    ]);
  });

  test('the usage shown is the billed one when it differs from the report', async () => {
    // Prepare
    const billed: Usage = { ...USAGE, completionTokens: 1 };

    // Act
    const { out } = await run([chunk({ content: 'x' }, 'length'), { type: 'usage', usage: USAGE }], { billed: () => billed });

    // Assess
    expect(out.at(-2)).toEqual({
      type: 'message_delta',
      delta: { stop_reason: 'max_tokens', stop_sequence: null },
      usage: { input_tokens: 10, output_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 2 },
    });
  });

  test('a stream with no chunk still opens and closes a message, with the fallback id', async () => {
    // Act
    const { out } = await run([{ type: 'usage', usage: USAGE }]);

    // Assess
    expect(out.map((event) => event.type)).toEqual(['message_start', 'message_delta', 'message_stop']);
    expect(out[0]).toMatchObject({ message: { id: 'msg_req-1' } });
  });

  test('a failure after the start ends with an Anthropic error event and no message_stop', async () => {
    // Prepare
    const failure = new UpstreamError(503, 'anthropic is overloaded', { provider: 'anthropic', retryable: true });

    // Act
    const { out, opts } = await run([chunk({ content: 'partial' })], {}, failure);

    // Assess
    expect(out.map((event) => event.type)).toEqual(['message_start', 'content_block_start', 'content_block_delta', 'error']);
    expect(out.at(-1)).toEqual({
      type: 'error',
      error: { type: 'overloaded_error', message: 'anthropic is overloaded', code: 'upstream_error' },
    });
    expect(opts.onError).toHaveBeenCalledWith(failure, 'partial');
  });
});
