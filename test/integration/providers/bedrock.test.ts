import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ChatRequest, chatRequestSchema } from '../../../shared/api/chat-request.ts';
import { modelSchema } from '../../../shared/config/schema.ts';
import { UpstreamError } from '../../../shared/errors.ts';
import { createBedrockProvider } from '../../../shared/providers/bedrock/bedrock-provider.ts';
import type { ModelTarget, Provider, ProviderCallOptions, StreamEvent } from '../../../shared/providers/types.ts';
import { type FakeBedrock, startFakeBedrock } from '../../fixtures/fake-bedrock.ts';

// The Bedrock adapter through the real AWS SDK (SigV4, REST JSON, binary event streams) against
// a local fake of the Bedrock runtime.

const CREDENTIALS = { accessKeyId: 'AKIDFAKEBEDROCKTEST', secretAccessKey: 'fake-secret-access-key-for-tests' };

let fake: FakeBedrock;
let provider: Provider;

const target = (overrides: Record<string, unknown> = {}): ModelTarget => ({
  config: modelSchema.parse({
    id: 'claude-haiku',
    provider: 'bedrock',
    upstreamModel: 'anthropic.claude-3-haiku-20240307-v1:0',
    baseUrl: fake.url,
    region: 'eu-west-1',
    ...overrides,
  }),
});

const request = (body: Record<string, unknown> = {}): ChatRequest =>
  chatRequestSchema.parse({
    model: 'claude-haiku',
    messages: [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hello Bedrock' },
    ],
    ...body,
  });

const callOptions = (signal: AbortSignal = new AbortController().signal): ProviderCallOptions => ({
  signal,
  requestId: 'req_test',
});

const collect = async (events: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> => {
  const out: StreamEvent[] = [];
  for await (const event of events) out.push(event);
  return out;
};

/** Reads a stream until it fails, returning what arrived and the error. */
const collectUntilError = async (events: AsyncIterable<StreamEvent>): Promise<{ received: StreamEvent[]; error: unknown }> => {
  const received: StreamEvent[] = [];
  try {
    for await (const event of events) received.push(event);
  } catch (error) {
    return { received, error };
  }
  throw new Error('the stream did not fail');
};

beforeAll(async () => {
  fake = await startFakeBedrock();
  provider = createBedrockProvider({ credentials: CREDENTIALS });
});

afterAll(async () => {
  await fake.close();
});

beforeEach(() => {
  fake.requests.length = 0;
  fake.setBehavior({ kind: 'reply' });
});

describe('bedrock provider: complete', () => {
  it('sends a signed Converse request and translates the answer', async () => {
    // Prepare
    fake.setBehavior({ kind: 'reply', text: 'Hi there!', usage: { inputTokens: 11, outputTokens: 4, cacheReadInputTokens: 5 } });

    // Act
    const result = await provider.complete(request({ max_tokens: 64, temperature: 0.3 }), target(), callOptions());

    // Assess
    expect(result.completion).toMatchObject({
      object: 'chat.completion',
      model: 'claude-haiku',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hi there!' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 16, completion_tokens: 4, total_tokens: 20, prompt_tokens_details: { cached_tokens: 5 } },
    });
    expect(result.usage).toEqual({ promptTokens: 16, completionTokens: 4, cachedTokens: 5, estimated: false });
    const sent = fake.requests[0];
    expect(sent?.path).toBe('/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse');
    expect(sent?.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDFAKEBEDROCKTEST\/\d{8}\/eu-west-1\/bedrock\//);
    expect(sent?.headers['amz-sdk-request']).toBe('attempt=1; max=1');
    expect(sent?.body).toEqual({
      system: [{ text: 'Be brief.' }],
      messages: [{ role: 'user', content: [{ text: 'Hello Bedrock' }] }],
      inferenceConfig: { maxTokens: 64, temperature: 0.3 },
    });
  });

  it('sends images as base64 bytes and returns tool calls', async () => {
    // Prepare
    fake.setBehavior({ kind: 'reply', text: '', toolUse: { name: 'describe', input: { colour: 'red' } } });
    const png = Buffer.from([137, 80, 78, 71]).toString('base64');
    const withImage = request({
      messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: `data:image/png;base64,${png}` } }] }],
      tools: [{ type: 'function', function: { name: 'describe', parameters: { type: 'object' } } }],
      tool_choice: 'required',
    });

    // Act
    const result = await provider.complete(withImage, target(), callOptions());

    // Assess
    expect(result.completion.choices[0]).toMatchObject({
      finish_reason: 'tool_calls',
      message: {
        content: null,
        tool_calls: [{ id: 'tooluse_fake0001', function: { name: 'describe', arguments: '{"colour":"red"}' } }],
      },
    });
    expect(fake.requests[0]?.body).toMatchObject({
      messages: [{ role: 'user', content: [{ image: { format: 'png', source: { bytes: png } } }] }],
      toolConfig: {
        toolChoice: { any: {} },
        tools: [{ toolSpec: { name: 'describe', inputSchema: { json: { type: 'object' } } } }],
      },
    });
  });
});

describe('bedrock provider: stream', () => {
  it('streams content, tool-use deltas and ends with one usage event', async () => {
    // Prepare
    fake.setBehavior({
      kind: 'reply',
      text: 'Let me look that up.',
      toolUse: { name: 'search', input: { query: 'bedrock', limit: 3 } },
      usage: { inputTokens: 20, outputTokens: 9 },
    });

    // Act
    const events = await collect(provider.stream(request(), target(), callOptions()));

    // Assess
    const choices = events.flatMap((event) => (event.type === 'chunk' ? event.chunk.choices : []));
    expect(choices[0]?.delta).toEqual({ role: 'assistant', content: '' });
    expect(choices.map((choice) => choice.delta.content ?? '').join('')).toBe('Let me look that up.');
    expect(choices.filter((choice) => choice.delta.content).length).toBeGreaterThan(1);
    const toolDeltas = choices.flatMap((choice) => choice.delta.tool_calls ?? []);
    expect(toolDeltas[0]).toEqual({
      index: 0,
      id: 'tooluse_fake0001',
      type: 'function',
      function: { name: 'search', arguments: '' },
    });
    expect(JSON.parse(toolDeltas.map((delta) => delta.function?.arguments ?? '').join(''))).toEqual({
      query: 'bedrock',
      limit: 3,
    });
    expect(choices.at(-1)?.finish_reason).toBe('tool_calls');
    expect(events.filter((event) => event.type === 'usage')).toHaveLength(1);
    expect(events.at(-1)).toEqual({
      type: 'usage',
      usage: { promptTokens: 20, completionTokens: 9, cachedTokens: 0, estimated: false },
    });
    expect(fake.requests[0]?.path).toBe('/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse-stream');
  });

  it('releases the call when the consumer stops early, and the next call works', async () => {
    // Prepare
    fake.setBehavior({ kind: 'reply', text: 'one two three four five six' });

    // Act
    for await (const event of provider.stream(request(), target(), callOptions())) {
      if (event.type === 'chunk') break;
    }
    const next = await collect(provider.stream(request(), target(), callOptions()));

    // Assess
    expect(next.at(-1)?.type).toBe('usage');
  });
});

describe('bedrock provider: errors', () => {
  it.each([
    { errorType: 'ThrottlingException', status: 429, statusCode: 429, code: 'upstream_rate_limited', retryable: true },
    { errorType: 'ValidationException', status: 400, statusCode: 400, code: 'upstream_invalid_request', retryable: false },
    { errorType: 'AccessDeniedException', status: 403, statusCode: 502, code: 'upstream_auth_error', retryable: false },
    { errorType: 'ResourceNotFoundException', status: 404, statusCode: 502, code: 'upstream_model_not_found', retryable: false },
    { errorType: 'ServiceUnavailableException', status: 503, statusCode: 503, code: 'upstream_unavailable', retryable: true },
  ])('maps a $status $errorType to $statusCode $code', async ({ errorType, status, statusCode, code, retryable }) => {
    // Prepare
    fake.setBehavior({ kind: 'error', status, errorType, message: `Request failed for ${CREDENTIALS.secretAccessKey}` });

    // Act
    const completeError = await provider.complete(request(), target(), callOptions()).catch((error: unknown) => error);
    const { error: streamError } = await collectUntilError(provider.stream(request(), target(), callOptions()));

    // Assess
    for (const error of [completeError, streamError]) {
      expect(error).toBeInstanceOf(UpstreamError);
      expect(error).toMatchObject({ statusCode, code, retryable, provider: 'bedrock', upstreamStatus: status });
      expect((error as Error).message).not.toContain(CREDENTIALS.secretAccessKey);
    }
  });

  it.each([
    { exceptionType: 'throttlingException', statusCode: 429, code: 'upstream_rate_limited', retryable: true },
    { exceptionType: 'modelStreamErrorException', statusCode: 502, code: 'upstream_error', retryable: true },
    { exceptionType: 'validationException', statusCode: 400, code: 'upstream_invalid_request', retryable: false },
  ])(
    'throws $statusCode for a $exceptionType in the middle of the stream',
    async ({ exceptionType, statusCode, code, retryable }) => {
      // Prepare
      fake.setBehavior({ kind: 'stream-exception', afterEvents: 3, exceptionType, message: 'the model gave up' });

      // Act
      const { received, error } = await collectUntilError(provider.stream(request(), target(), callOptions()));

      // Assess
      expect(received.length).toBe(3);
      expect(error).toBeInstanceOf(UpstreamError);
      expect(error).toMatchObject({ statusCode, code, retryable });
    },
  );

  it('throws upstream_stream_cut when the connection drops mid-stream', async () => {
    // Prepare
    fake.setBehavior({ kind: 'cut', afterEvents: 3 });

    // Act
    const { received, error } = await collectUntilError(provider.stream(request(), target(), callOptions()));

    // Assess
    expect(received.length).toBeGreaterThan(0);
    expect(received.some((event) => event.type === 'usage')).toBe(false);
    expect(error).toMatchObject({ statusCode: 502, code: 'upstream_stream_cut', retryable: true });
  });

  it('throws a retryable connection error when the connection drops before an answer', async () => {
    // Prepare
    fake.setBehavior({ kind: 'cut', afterEvents: 0 });

    // Act
    const error = await provider.complete(request(), target(), callOptions()).catch((caught: unknown) => caught);

    // Assess
    expect(error).toMatchObject({ statusCode: 502, code: 'upstream_connection_error', retryable: true });
  });
});

describe('bedrock provider: timeouts and cancellation', () => {
  it.each([
    // A completion's first byte comes with the whole answer, so only streams get a first-byte timeout.
    { name: 'first byte', overrides: { firstByteTimeoutMs: 150, timeoutMs: 300 }, completeTimeout: 'total' },
    { name: 'total', overrides: { timeoutMs: 150 }, completeTimeout: 'total' },
  ])('turns a hang into a 504 after the $name timeout', async ({ name, overrides, completeTimeout }) => {
    // Prepare
    fake.setBehavior({ kind: 'hang' });
    const started = Date.now();

    // Act
    const completeError = await provider.complete(request(), target(overrides), callOptions()).catch((error: unknown) => error);
    const { error: streamError } = await collectUntilError(provider.stream(request(), target(overrides), callOptions()));

    // Assess
    for (const [error, phase] of [
      [completeError, completeTimeout],
      [streamError, name],
    ] as const) {
      expect(error).toBeInstanceOf(UpstreamError);
      expect(error).toMatchObject({ statusCode: 504, code: 'upstream_timeout', retryable: true });
      expect((error as Error).message).toContain(`(${phase} timeout)`);
    }
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('rejects with the signal reason when the client aborts while waiting', async () => {
    // Prepare
    fake.setBehavior({ kind: 'hang' });
    const controller = new AbortController();
    const reason = new Error('client went away');

    // Act
    const pending = provider.complete(request(), target(), callOptions(controller.signal)).catch((error: unknown) => error);
    setTimeout(() => controller.abort(reason), 50);
    const error = await pending;

    // Assess
    expect(error).toBe(reason);
  });

  it('stops a stream with the signal reason when the client aborts mid-stream', async () => {
    // Prepare
    fake.setBehavior({ kind: 'reply', text: 'a b c d e f g h i j k l m n o p' });
    const controller = new AbortController();
    const reason = new Error('client went away');
    const received: StreamEvent[] = [];

    // Act
    let error: unknown;
    try {
      for await (const event of provider.stream(request(), target(), callOptions(controller.signal))) {
        received.push(event);
        if (received.length === 2) controller.abort(reason);
      }
    } catch (caught) {
      error = caught;
    }

    // Assess
    expect(error).toBe(reason);
    expect(received).toHaveLength(2);
  });
});
