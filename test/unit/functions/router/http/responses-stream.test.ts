import type { Readable } from 'node:stream';
import { describe, expect, test, vi } from 'vitest';
import { eventStream, type StreamHooks } from '#functions/router/http/event-stream.ts';
import { responsesStreamFormat } from '#functions/router/http/responses-stream.ts';
import type { ChatCompletionChunk, FinishReason, Usage } from '#shared/api/chat-response.ts';
import { responsesRequestSchema } from '#shared/api/responses-request.ts';
import { responseIds } from '#shared/api/responses-response.ts';
import { ContentPolicyError } from '#shared/errors.ts';
import type { StreamEvent } from '#shared/providers/types.ts';

const USAGE: Usage = { promptTokens: 12, completionTokens: 3, cachedTokens: 2, estimated: false };
const request = responsesRequestSchema.parse({ model: 'auto', input: 'hi' });
const meta = { ids: responseIds('req-1'), createdAt: 1_700_000_000, model: 'mock-small' };

const chunk = (
  delta: ChatCompletionChunk['choices'][number]['delta'],
  finishReason: FinishReason | null = null,
): StreamEvent => ({
  type: 'chunk',
  chunk: {
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    created: 1_700_000_000,
    model: 'mock-small',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
  },
});

const hooks = (): StreamHooks => ({ onUsage: vi.fn(), onError: vi.fn(), onClientClose: vi.fn() });

/** Runs the events through the real encoder with this format, and parses what a client receives. */
const encode = async (events: readonly StreamEvent[], failure?: unknown) => {
  async function* upstream(): AsyncGenerator<StreamEvent> {
    yield* events.slice(1);
    if (failure !== undefined) throw failure;
  }
  const [first] = events;
  if (!first) throw new Error('a stream needs a first event');
  const readable: Readable = eventStream(first, upstream(), responsesStreamFormat(request, meta), hooks());
  let text = '';
  for await (const piece of readable) text += String(piece);
  return text
    .split('\n\n')
    .filter(Boolean)
    .map((frame) => {
      const [name, data] = frame.split('\n');
      const parsed = JSON.parse(data?.replace(/^data: /, '') ?? '{}') as Record<string, unknown> & { type: string };
      // The SSE event name is the payload's type, which the openai SDK relies on for `error`.
      expect(name).toBe(`event: ${parsed.type}`);
      return parsed;
    });
};

describe('responsesStreamFormat', () => {
  test('a text answer: created, in_progress, the message and its text part, deltas, done events, completed with usage', async () => {
    // Act
    const received = await encode([
      chunk({ role: 'assistant', content: '' }),
      chunk({ content: 'Hel' }),
      chunk({ content: 'lo' }),
      chunk({}, 'stop'),
      { type: 'usage', usage: USAGE },
    ]);

    // Assess
    const item = { item_id: 'msg_req1_0', output_index: 0, content_index: 0 };
    expect(received).toEqual([
      {
        type: 'response.created',
        sequence_number: 0,
        response: expect.objectContaining({ id: 'resp_req1', status: 'in_progress', output: [], usage: null }),
      },
      { type: 'response.in_progress', sequence_number: 1, response: expect.objectContaining({ status: 'in_progress' }) },
      {
        type: 'response.output_item.added',
        sequence_number: 2,
        output_index: 0,
        item: { id: 'msg_req1_0', type: 'message', status: 'in_progress', role: 'assistant', content: [] },
      },
      {
        type: 'response.content_part.added',
        sequence_number: 3,
        ...item,
        part: { type: 'output_text', text: '', annotations: [], logprobs: [] },
      },
      { type: 'response.output_text.delta', sequence_number: 4, ...item, delta: 'Hel', logprobs: [] },
      { type: 'response.output_text.delta', sequence_number: 5, ...item, delta: 'lo', logprobs: [] },
      { type: 'response.output_text.done', sequence_number: 6, ...item, text: 'Hello', logprobs: [] },
      {
        type: 'response.content_part.done',
        sequence_number: 7,
        ...item,
        part: { type: 'output_text', text: 'Hello', annotations: [], logprobs: [] },
      },
      {
        type: 'response.output_item.done',
        sequence_number: 8,
        output_index: 0,
        item: {
          id: 'msg_req1_0',
          type: 'message',
          status: 'completed',
          role: 'assistant',
          content: [{ type: 'output_text', text: 'Hello', annotations: [], logprobs: [] }],
        },
      },
      {
        type: 'response.completed',
        sequence_number: 9,
        response: expect.objectContaining({
          id: 'resp_req1',
          status: 'completed',
          model: 'mock-small',
          created_at: 1_700_000_000,
          output: [expect.objectContaining({ id: 'msg_req1_0', status: 'completed' })],
          usage: {
            input_tokens: 12,
            input_tokens_details: { cached_tokens: 2 },
            output_tokens: 3,
            output_tokens_details: { reasoning_tokens: 0 },
            total_tokens: 15,
          },
        }),
      },
    ]);
  });

  test('text then two tool calls: each item closed before the next opens, arguments in deltas and whole at the end', async () => {
    // Act
    const received = await encode([
      chunk({ role: 'assistant', content: 'Checking.' }),
      chunk({ tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'f', arguments: '' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '{"x":' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '1}' } }] }),
      chunk({ tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'g', arguments: '{}' } }] }),
      chunk({}, 'tool_calls'),
      { type: 'usage', usage: USAGE },
    ]);

    // Assess
    expect(received.map((event) => [event.type, event.output_index ?? null])).toEqual([
      ['response.created', null],
      ['response.in_progress', null],
      ['response.output_item.added', 0],
      ['response.content_part.added', 0],
      ['response.output_text.delta', 0],
      ['response.output_text.done', 0],
      ['response.content_part.done', 0],
      ['response.output_item.done', 0],
      ['response.output_item.added', 1],
      ['response.function_call_arguments.delta', 1],
      ['response.function_call_arguments.delta', 1],
      ['response.function_call_arguments.done', 1],
      ['response.output_item.done', 1],
      ['response.output_item.added', 2],
      ['response.function_call_arguments.delta', 2],
      ['response.function_call_arguments.done', 2],
      ['response.output_item.done', 2],
      ['response.completed', null],
    ]);
    expect(received[8]).toMatchObject({
      item: { id: 'fc_req1_1', type: 'function_call', status: 'in_progress', call_id: 'call_a', name: 'f', arguments: '' },
    });
    expect(received[11]).toMatchObject({ item_id: 'fc_req1_1', name: 'f', arguments: '{"x":1}' });
    expect(received.at(-1)).toMatchObject({
      response: {
        output: [
          expect.objectContaining({ type: 'message', status: 'completed' }),
          expect.objectContaining({ type: 'function_call', call_id: 'call_a', arguments: '{"x":1}', status: 'completed' }),
          expect.objectContaining({ type: 'function_call', call_id: 'call_b', arguments: '{}', status: 'completed' }),
        ],
      },
    });
  });

  test('a refusal streams in a refusal part', async () => {
    // Act
    const received = await encode([
      chunk({ refusal: 'I cannot' }),
      chunk({ refusal: ' help.' }, 'stop'),
      { type: 'usage', usage: USAGE },
    ]);

    // Assess
    expect(received.map((event) => event.type)).toContain('response.refusal.delta');
    expect(received.find((event) => event.type === 'response.refusal.done')).toMatchObject({ refusal: 'I cannot help.' });
    expect(received.at(-1)?.response).toMatchObject({ output: [{ content: [{ type: 'refusal', refusal: 'I cannot help.' }] }] });
  });

  test('an answer cut by the output cap ends with response.incomplete and the reason', async () => {
    // Act
    const received = await encode([chunk({ content: 'Cut' }, 'length'), { type: 'usage', usage: USAGE }]);

    // Assess
    expect(received.at(-2)).toMatchObject({ type: 'response.output_item.done', item: { status: 'incomplete' } });
    expect(received.at(-1)).toMatchObject({
      type: 'response.incomplete',
      response: { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' }, usage: { output_tokens: 3 } },
    });
  });

  test('an answer with no text and no calls is still one empty message', async () => {
    // Act
    const received = await encode([chunk({ role: 'assistant', content: '' }, 'stop'), { type: 'usage', usage: USAGE }]);

    // Assess
    expect(received.at(-1)?.response).toMatchObject({
      output: [{ type: 'message', content: [{ type: 'output_text', text: '' }] }],
    });
  });

  const BLOCKED = "The response was blocked by the router's content policy (deny:0).";

  test('a failure after the first byte: the error event, then response.failed with the output so far; never completed', async () => {
    // Act
    const received = await encode([chunk({ content: 'Part' })], new ContentPolicyError('deny:0', 'output'));

    // Assess
    expect(received.slice(-2)).toEqual([
      { type: 'error', sequence_number: 5, code: 'content_policy', message: BLOCKED, param: 'deny:0' },
      {
        type: 'response.failed',
        sequence_number: 6,
        response: expect.objectContaining({
          status: 'failed',
          error: { code: 'content_policy', message: BLOCKED },
          output: [expect.objectContaining({ status: 'incomplete', content: [expect.objectContaining({ text: 'Part' })] })],
          usage: null,
        }),
      },
    ]);
    expect(received.map((event) => event.type)).not.toContain('response.completed');
  });
});
