import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { type ChatRequest, chatRequestSchema } from '#shared/api/chat-request.ts';
import type { ChatCompletionChunk, Usage } from '#shared/api/chat-response.ts';
import { modelSchema } from '#shared/config/schema.ts';
import { createMockProvider } from '#shared/providers/mock.ts';
import type { ModelTarget, ProviderCallOptions, StreamEvent } from '#shared/providers/types.ts';

const target: ModelTarget = { config: modelSchema.parse({ id: 'm', provider: 'mock' }) };

const options = (): ProviderCallOptions => ({ signal: new AbortController().signal, requestId: 'req-1' });

const request = (fields: Record<string, unknown> = {}): ChatRequest =>
  chatRequestSchema.parse({ model: 'm', messages: [{ role: 'user', content: 'Hello there' }], ...fields });

const WEATHER_TOOL = {
  type: 'function',
  function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
};

const collect = async (events: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> => {
  const out: StreamEvent[] = [];
  for await (const event of events) out.push(event);
  return out;
};

const chunksOf = (events: readonly StreamEvent[]): ChatCompletionChunk[] =>
  events.flatMap((event) => (event.type === 'chunk' ? [event.chunk] : []));

const usagesOf = (events: readonly StreamEvent[]): Usage[] =>
  events.flatMap((event) => (event.type === 'usage' ? [event.usage] : []));

const streamedText = (events: readonly StreamEvent[]): string =>
  chunksOf(events)
    .flatMap((chunk) => chunk.choices.map((choice) => choice.delta.content ?? ''))
    .join('');

describe('createMockProvider', () => {
  const provider = createMockProvider();

  beforeEach(() => {
    // Only Date is faked: `created` is fixed, and the provider's zero-length sleeps still run.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2025-06-01T12:00:00Z'));
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  test('answers with a reply that quotes the last user message', async () => {
    // Act
    const result = await provider.complete(request(), target, options());

    // Assess
    expect(result.completion).toEqual({
      id: 'chatcmpl-req-1',
      object: 'chat.completion',
      created: Date.parse('2025-06-01T12:00:00Z') / 1000,
      model: 'm',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'This is a mock reply from m. You said: "Hello there"', refusal: null },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
      usage: { prompt_tokens: 9, completion_tokens: 14, total_tokens: 23, prompt_tokens_details: { cached_tokens: 0 } },
    });
    // The prompt is 3 + 4 + 2 ('Hello there'); the reply is 11 words and 4 single symbols (. : " "): 13.4.
    expect(result.usage).toEqual({ promptTokens: 9, completionTokens: 14, cachedTokens: 0, estimated: false });
  });

  test('the same request always gets the same completion', async () => {
    // Prepare
    const chat = request({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'What is 2+2?' },
      ],
    });

    // Act
    const first = await provider.complete(chat, target, options());
    const second = await provider.complete(chat, target, options());

    // Assess
    expect(second).toEqual(first);
  });

  test('the same request always gets the same stream', async () => {
    // Act
    const first = await collect(provider.stream(request(), target, options()));
    const second = await collect(provider.stream(request(), target, options()));

    // Assess
    expect(second).toEqual(first);
  });

  test('a different message gets a different reply', async () => {
    // Act
    const a = await provider.complete(request(), target, options());
    const b = await provider.complete(request({ messages: [{ role: 'user', content: 'Goodbye' }] }), target, options());

    // Assess
    expect(b.completion.choices[0]?.message.content).toBe('This is a mock reply from m. You said: "Goodbye"');
    expect(b.completion.choices[0]?.message.content).not.toBe(a.completion.choices[0]?.message.content);
  });

  test.each(['json_object', 'json_schema'])('a %s response format yields parseable JSON', async (type) => {
    // Prepare
    const chat = request({
      response_format: type === 'json_object' ? { type } : { type, json_schema: { name: 'reply', schema: { type: 'object' } } },
    });

    // Act
    const result = await provider.complete(chat, target, options());

    // Assess
    const content = result.completion.choices[0]?.message.content ?? '';
    expect(JSON.parse(content)).toEqual({ reply: 'This is a mock reply from m. You said: "Hello there"' });
  });

  test("tool_choice 'required' yields a call to the first tool", async () => {
    // Prepare
    const chat = request({ tools: [WEATHER_TOOL], tool_choice: 'required' });

    // Act
    const result = await provider.complete(chat, target, options());

    // Assess
    const choice = result.completion.choices[0];
    expect(choice?.finish_reason).toBe('tool_calls');
    expect(choice?.message.content).toBeNull();
    // The arguments follow the tool's schema; the first free-form string gets the prompt.
    expect(choice?.message.tool_calls).toEqual([
      {
        id: expect.stringMatching(/^call_mock_[0-9a-f]{8}$/),
        type: 'function',
        function: { name: 'get_weather', arguments: '{"city":"Hello there"}' },
      },
    ]);
  });

  test('a named tool_choice calls that tool', async () => {
    // Prepare
    const other = { type: 'function', function: { name: 'search' } };
    const chat = request({ tools: [WEATHER_TOOL, other], tool_choice: { type: 'function', function: { name: 'search' } } });

    // Act
    const result = await provider.complete(chat, target, options());

    // Assess
    expect(result.completion.choices[0]?.message.tool_calls?.map((call) => call.function.name)).toEqual(['search']);
  });

  test.each([
    { name: "tool_choice 'auto'", fields: { tools: [WEATHER_TOOL], tool_choice: 'auto' } },
    { name: "tool_choice 'none'", fields: { tools: [WEATHER_TOOL], tool_choice: 'none' } },
    { name: 'no tool_choice', fields: { tools: [WEATHER_TOOL] } },
    { name: "'required' without tools", fields: { tool_choice: 'required' } },
  ])('$name answers with text', async ({ fields }) => {
    // Act
    const result = await provider.complete(request(fields), target, options());

    // Assess
    expect(result.completion.choices[0]?.finish_reason).toBe('stop');
    expect(result.completion.choices[0]?.message.tool_calls).toBeUndefined();
  });

  test.each([
    { field: 'max_tokens', value: 5 },
    { field: 'max_completion_tokens', value: 5 },
  ])('a small $field cuts the reply with finish_reason length', async ({ field, value }) => {
    // Act
    const result = await provider.complete(request({ [field]: value }), target, options());

    // Assess: five words; the space after the fifth costs nothing, the 'f' of the sixth would.
    expect(result.completion.choices[0]?.message.content).toBe('This is a mock reply ');
    expect(result.completion.choices[0]?.finish_reason).toBe('length');
    expect(result.usage.completionTokens).toBe(5);
  });

  test('a max_tokens the reply fits in exactly keeps finish_reason stop', async () => {
    // Act
    const result = await provider.complete(request({ max_tokens: 14 }), target, options());

    // Assess
    expect(result.completion.choices[0]?.message.content).toBe('This is a mock reply from m. You said: "Hello there"');
    expect(result.completion.choices[0]?.finish_reason).toBe('stop');
    expect(result.usage.completionTokens).toBe(14);
  });

  test('a max_tokens one short of the reply cuts only the last character', async () => {
    // Act
    const result = await provider.complete(request({ max_tokens: 13 }), target, options());

    // Assess: without the closing quote the reply is 12.8 tokens, with it 13.4.
    expect(result.completion.choices[0]?.message.content).toBe('This is a mock reply from m. You said: "Hello there');
    expect(result.completion.choices[0]?.finish_reason).toBe('length');
    expect(result.usage.completionTokens).toBe(13);
  });

  test.each([1, 2, 7, 12, 13, 14, 100])('with max_tokens %i the reply is a prefix using the whole allowance', async (cap) => {
    // Act
    const result = await provider.complete(request({ max_tokens: cap }), target, options());

    // Assess: the estimate rises by at most one token per character, so the cut lands exactly on the cap.
    const content = result.completion.choices[0]?.message.content ?? '';
    expect('This is a mock reply from m. You said: "Hello there"'.startsWith(content)).toBe(true);
    expect(result.usage.completionTokens).toBe(Math.min(cap, 14));
    expect(result.completion.choices[0]?.finish_reason).toBe(cap < 14 ? 'length' : 'stop');
  });

  // Regression: the cut keeps `max_tokens * 4` characters, but a CJK character counts as one token, so
  // the reply to a CJK prompt reports more completion tokens than the client allowed.
  test('a cut reply to a CJK prompt stays within max_tokens', async () => {
    // Prepare
    const chat = request({ messages: [{ role: 'user', content: '你好'.repeat(30) }], max_tokens: 20 });

    // Act
    const result = await provider.complete(chat, target, options());

    // Assess: the English part is 9 words and 3 symbols (10.8); 12 CJK characters at 0.75 make 19.8, a 13th 20.55.
    expect(result.completion.choices[0]?.message.content).toBe(`This is a mock reply from m. You said: "${'你好'.repeat(6)}`);
    expect(result.completion.choices[0]?.finish_reason).toBe('length');
    expect(result.usage.completionTokens).toBe(20);
  });

  test('the stream spells out the completion and ends with exactly one usage event equal to its usage', async () => {
    // Prepare
    const chat = request({ messages: [{ role: 'user', content: 'Tell me a story about a cat' }] });

    // Act
    const completed = await provider.complete(chat, target, options());
    const events = await collect(provider.stream(chat, target, options()));

    // Assess
    expect(streamedText(events)).toBe(completed.completion.choices[0]?.message.content);
    expect(usagesOf(events)).toEqual([completed.usage]);
    expect(events.at(-1)).toEqual({ type: 'usage', usage: completed.usage });
    const chunks = chunksOf(events);
    expect(chunks[0]?.choices[0]?.delta).toEqual({ role: 'assistant', content: '' });
    expect(chunks.map((chunk) => chunk.choices[0]?.finish_reason ?? null)).toEqual([
      ...Array<null>(chunks.length - 1).fill(null),
      'stop',
    ]);
    for (const chunk of chunks) {
      expect(chunk).toMatchObject({ id: 'chatcmpl-req-1', object: 'chat.completion.chunk', model: 'm' });
    }
  });

  test('a cut stream ends with finish_reason length and the same usage as the completion', async () => {
    // Prepare
    const chat = request({ max_tokens: 5 });

    // Act
    const completed = await provider.complete(chat, target, options());
    const events = await collect(provider.stream(chat, target, options()));

    // Assess
    expect(streamedText(events)).toBe('This is a mock reply ');
    expect(chunksOf(events).at(-1)?.choices[0]?.finish_reason).toBe('length');
    expect(usagesOf(events)).toEqual([completed.usage]);
  });

  test('a required tool call streams as tool-call deltas, then finish_reason tool_calls', async () => {
    // Prepare
    const chat = request({ tools: [WEATHER_TOOL], tool_choice: 'required' });

    // Act
    const completed = await provider.complete(chat, target, options());
    const events = await collect(provider.stream(chat, target, options()));

    // Assess: the call's header, then its arguments in pieces that concatenate to the completion's.
    const id = completed.completion.choices[0]?.message.tool_calls?.[0]?.id;
    expect(chunksOf(events).map((chunk) => [chunk.choices[0]?.delta, chunk.choices[0]?.finish_reason])).toEqual([
      [{ role: 'assistant', content: '' }, null],
      [{ tool_calls: [{ index: 0, id, type: 'function', function: { name: 'get_weather', arguments: '' } }] }, null],
      [{ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }, null],
      [{ tool_calls: [{ index: 0, function: { arguments: '"Hello ' } }] }, null],
      [{ tool_calls: [{ index: 0, function: { arguments: 'there"}' } }] }, null],
      [{}, 'tool_calls'],
    ]);
    expect(usagesOf(events)).toEqual([completed.usage]);
  });

  test('an aborted signal stops the call', async () => {
    // Prepare
    const controller = new AbortController();
    controller.abort();

    // Act
    const call = provider.complete(request(), target, { signal: controller.signal, requestId: 'req-1' });

    // Assess
    await expect(call).rejects.toMatchObject({ name: 'AbortError' });
  });
});
