import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ChatRequest, chatRequestSchema } from '#shared/api/chat-request.ts';
import { modelSchema } from '#shared/config/schema.ts';
import { UpstreamError } from '#shared/errors.ts';
import { createAnthropicProvider } from '#shared/providers/anthropic.ts';
import type { ModelTarget, ProviderCallOptions, StreamEvent } from '#shared/providers/types.ts';
import { FAKE_ANTHROPIC_KEY, type FakeAnthropic, startFakeAnthropic } from '#test/fixtures/fake-anthropic.ts';

const provider = createAnthropicProvider();
let fake: FakeAnthropic;

const target = (overrides: Record<string, unknown> = {}, apiKey = FAKE_ANTHROPIC_KEY): ModelTarget => ({
  config: modelSchema.parse({
    id: 'claude',
    provider: 'anthropic',
    upstreamModel: 'claude-sonnet-4-5',
    baseUrl: fake.url,
    headers: { 'anthropic-beta': 'test-beta' },
    ...overrides,
  }),
  apiKey,
});

const request = (fields: Record<string, unknown> = {}): ChatRequest =>
  chatRequestSchema.parse({ model: 'claude', messages: [{ role: 'user', content: 'hello there' }], ...fields });

const callOptions = (signal: AbortSignal = new AbortController().signal): ProviderCallOptions => ({ signal, requestId: 'req-1' });

const collect = async (events: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> => {
  const out: StreamEvent[] = [];
  for await (const event of events) out.push(event);
  return out;
};

/** Awaits a promise expected to reject and returns what it rejected with. */
const rejection = async (promise: Promise<unknown>): Promise<unknown> => {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
};

beforeAll(async () => {
  fake = await startFakeAnthropic();
});

afterAll(async () => {
  await fake.close();
});

beforeEach(() => {
  fake.setBehavior({ kind: 'echo' });
  fake.requests.length = 0;
});

describe('Anthropic provider against the fake Messages API', () => {
  it('completes a request with Anthropic headers and a translated body', async () => {
    // Prepare
    const chat = request({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'hello there' },
      ],
    });

    // Act
    const result = await provider.complete(chat, target({ query: { beta: 'true' } }), callOptions());

    // Assess
    expect(result.completion).toMatchObject({
      id: expect.stringMatching(/^msg_fake_/),
      object: 'chat.completion',
      model: 'claude',
      choices: [{ index: 0, message: { role: 'assistant', content: 'echo: hello there' }, finish_reason: 'stop' }],
    });
    expect(result.usage).toEqual({ promptTokens: 10, completionTokens: 3, cachedTokens: 0, estimated: false });
    const sent = fake.requests[0];
    expect(sent?.headers).toMatchObject({
      'x-api-key': FAKE_ANTHROPIC_KEY,
      'anthropic-version': '2023-06-01',
      'anthropic-beta': 'test-beta',
    });
    expect(sent?.body).toEqual({
      model: 'claude-sonnet-4-5',
      max_tokens: 4096,
      system: 'Be brief.',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hello there' }] }],
      stream: false,
    });
  });

  it('completes with a tool call and cache usage', async () => {
    // Prepare
    fake.setBehavior({
      kind: 'reply',
      text: '',
      toolCall: { name: 'weather', input: { city: 'Paris' } },
      usage: { input_tokens: 4, output_tokens: 9, cache_read_input_tokens: 50 },
    });
    const chat = request({ tools: [{ type: 'function', function: { name: 'weather' } }], tool_choice: 'required' });

    // Act
    const result = await provider.complete(chat, target(), callOptions());

    // Assess
    expect(result.completion.choices[0]).toMatchObject({
      message: {
        content: null,
        tool_calls: [
          { id: `toolu_${result.completion.id}`, type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
        ],
      },
      finish_reason: 'tool_calls',
    });
    expect(result.usage).toEqual({ promptTokens: 54, completionTokens: 9, cachedTokens: 50, estimated: false });
  });

  it('streams text and tool call deltas, then one usage event last', async () => {
    // Prepare
    fake.setBehavior({
      kind: 'reply',
      text: 'The weather is nice today',
      toolCall: { name: 'weather', input: { city: 'Paris', unit: 'celsius' } },
      usage: { input_tokens: 20, output_tokens: 15 },
    });
    const chat = request({ stream: true, tools: [{ type: 'function', function: { name: 'weather' } }] });

    // Act
    const events = await collect(provider.stream(chat, target(), callOptions()));

    // Assess
    const chunks = events.flatMap((event) => (event.type === 'chunk' ? [event.chunk] : []));
    const deltas = chunks.map((chunk) => chunk.choices[0]?.delta);
    expect(deltas[0]).toEqual({ role: 'assistant', content: '' });
    expect(deltas.map((delta) => delta?.content ?? '').join('')).toBe('The weather is nice today');
    expect(deltas.filter((delta) => delta?.content).length).toBeGreaterThan(1);
    const toolDeltas = deltas.flatMap((delta) => delta?.tool_calls ?? []);
    expect(toolDeltas[0]).toEqual({
      index: 0,
      id: `toolu_${chunks[0]?.id}`,
      type: 'function',
      function: { name: 'weather', arguments: '' },
    });
    expect(JSON.parse(toolDeltas.map((delta) => delta.function?.arguments ?? '').join(''))).toEqual({
      city: 'Paris',
      unit: 'celsius',
    });
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('tool_calls');
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
    expect(events.filter((event) => event.type === 'usage')).toHaveLength(1);
    expect(events.at(-1)).toEqual({
      type: 'usage',
      usage: { promptTokens: 20, completionTokens: 15, cachedTokens: 0, estimated: false },
    });
    expect(fake.requests[0]?.body).toMatchObject({ stream: true });
  });

  it('turns a 429 with retry-after into a retryable UpstreamError', async () => {
    // Prepare
    fake.setBehavior({
      kind: 'error',
      status: 429,
      errorType: 'rate_limit_error',
      message: 'Number of requests has exceeded your rate limit',
      headers: { 'retry-after': '7' },
    });

    // Act
    const error = await rejection(provider.complete(request(), target(), callOptions()));

    // Assess
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ statusCode: 429, retryable: true, retryAfterMs: 7000, code: 'upstream_rate_limited' });
    expect((error as Error).message).toContain('rate_limit_error: Number of requests has exceeded your rate limit');
  });

  it('turns a 401 into a 502 auth error that does not leak the key', async () => {
    // Prepare
    const wrongKey = 'sk-ant-api03-wrong-key-value';

    // Act
    const error = await rejection(provider.complete(request(), target({}, wrongKey), callOptions()));

    // Assess
    expect(error).toMatchObject({ statusCode: 502, code: 'upstream_auth_error', retryable: false });
    expect((error as Error).message).not.toContain(wrongKey);
    expect(JSON.stringify(error)).not.toContain(wrongKey);
  });

  it('turns an overloaded error event mid-stream into a retryable 503', async () => {
    // Prepare
    fake.setBehavior({ kind: 'error', status: 529, errorType: 'overloaded_error', message: 'Overloaded', midStream: true });

    // Act
    const error = await rejection(collect(provider.stream(request({ stream: true }), target(), callOptions())));

    // Assess
    expect(error).toMatchObject({ statusCode: 503, code: 'upstream_unavailable', retryable: true });
  });

  it.each([
    { name: 'mid-stream', afterEvents: 4 },
    { name: 'before any event', afterEvents: 0 },
  ])('rejects a stream cut $name with upstream_stream_cut', async ({ afterEvents }) => {
    // Prepare
    fake.setBehavior({ kind: 'cut', afterEvents });
    const seen: StreamEvent[] = [];

    // Act
    const error = await rejection(
      (async () => {
        for await (const event of provider.stream(request({ stream: true }), target(), callOptions())) seen.push(event);
      })(),
    );

    // Assess
    expect(error).toMatchObject({ statusCode: 502, code: 'upstream_stream_cut', retryable: true });
    expect(seen.some((event) => event.type === 'usage')).toBe(false);
  });

  it('rejects a completion whose connection drops as retryable', async () => {
    // Prepare
    fake.setBehavior({ kind: 'cut', afterEvents: 0 });

    // Act
    const error = await rejection(provider.complete(request(), target(), callOptions()));

    // Assess
    expect(error).toMatchObject({ statusCode: 502, retryable: true });
  });

  it('times out a hanging upstream with a 504: total timeout for a completion, first-byte for a stream', async () => {
    // Prepare
    fake.setBehavior({ kind: 'hang' });

    // Act
    const completeError = await rejection(provider.complete(request(), target({ timeoutMs: 100 }), callOptions()));
    const streamError = await rejection(
      (async () => {
        for await (const _event of provider.stream(request(), target({ firstByteTimeoutMs: 100 }), callOptions())) {
          // drain
        }
      })(),
    );

    // Assess
    expect(completeError).toMatchObject({ statusCode: 504, code: 'upstream_timeout', retryable: true });
    expect((completeError as Error).message).toContain('(total timeout)');
    expect(streamError).toMatchObject({ statusCode: 504, code: 'upstream_timeout', retryable: true });
    expect((streamError as Error).message).toContain('(first byte timeout)');
  });

  it('stops a hanging call when the caller aborts', async () => {
    // Prepare
    fake.setBehavior({ kind: 'hang' });
    const controller = new AbortController();
    const reason = new Error('client went away');
    setTimeout(() => controller.abort(reason), 50);

    // Act
    const error = await rejection(provider.complete(request(), target(), callOptions(controller.signal)));

    // Assess
    expect(error).toBe(reason);
  });

  it('stops a running stream when the caller aborts', async () => {
    // Prepare
    fake.setBehavior({ kind: 'reply', text: 'one two three four five six seven eight nine ten' });
    const controller = new AbortController();
    const reason = new Error('client went away');
    const seen: StreamEvent[] = [];

    // Act
    const error = await rejection(
      (async () => {
        for await (const event of provider.stream(request({ stream: true }), target(), callOptions(controller.signal))) {
          seen.push(event);
          if (seen.length === 2) controller.abort(reason);
        }
      })(),
    );

    // Assess
    expect(error).toBe(reason);
    expect(seen.length).toBeLessThan(12);
  });
});
