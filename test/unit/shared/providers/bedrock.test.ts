import type { ConverseStreamOutput } from '@aws-sdk/client-bedrock-runtime';
import { describe, expect, it } from 'vitest';
import { type ChatRequest, chatRequestSchema } from '#shared/api/chat-request.ts';
import { modelSchema } from '#shared/config/schema.ts';
import { InvalidRequestError, UpstreamError } from '#shared/errors.ts';
import { fromBedrockError } from '#shared/providers/bedrock/bedrock-errors.ts';
import { toConverseInput } from '#shared/providers/bedrock/converse-request.ts';
import { fromConverseOutput, fromConverseUsage, toFinishReason } from '#shared/providers/bedrock/converse-response.ts';
import { translateConverseStream } from '#shared/providers/bedrock/converse-stream.ts';
import type { ModelTarget, StreamEvent } from '#shared/providers/types.ts';

const target = (overrides: Record<string, unknown> = {}): ModelTarget => ({
  config: modelSchema.parse({ id: 'claude', provider: 'bedrock', upstreamModel: 'anthropic.claude-test-v1:0', ...overrides }),
});

const chat = (body: Record<string, unknown>): ChatRequest => chatRequestSchema.parse({ model: 'claude', ...body });
const user = (content: unknown) => ({ role: 'user', content });

const PNG_BYTES = [137, 80, 78, 71];
const PNG_URL = `data:image/png;base64,${Buffer.from(PNG_BYTES).toString('base64')}`;

async function* eventsOf(events: ConverseStreamOutput[]): AsyncGenerator<ConverseStreamOutput> {
  yield* events;
}

const collect = async (events: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> => {
  const out: StreamEvent[] = [];
  for await (const event of events) out.push(event);
  return out;
};

const deltas = (events: StreamEvent[]) => events.flatMap((event) => (event.type === 'chunk' ? event.chunk.choices : []));

describe('toConverseInput', () => {
  it.each([
    {
      name: 'system and developer messages become system blocks',
      request: chat({
        messages: [{ role: 'system', content: 'Be brief.' }, { role: 'developer', content: 'No emoji.' }, user('Hi')],
      }),
      expected: {
        system: [{ text: 'Be brief.' }, { text: 'No emoji.' }],
        messages: [{ role: 'user', content: [{ text: 'Hi' }] }],
      },
    },
    {
      name: 'text and data-URL image parts become text and image blocks',
      request: chat({
        messages: [
          user([
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url: PNG_URL } },
            { type: 'image_url', image_url: { url: PNG_URL.replace('image/png', 'image/jpg') } },
          ]),
        ],
      }),
      expected: {
        messages: [
          {
            role: 'user',
            content: [
              { text: 'What is this?' },
              { image: { format: 'png', source: { bytes: Uint8Array.from(PNG_BYTES) } } },
              { image: { format: 'jpeg', source: { bytes: Uint8Array.from(PNG_BYTES) } } },
            ],
          },
        ],
      },
    },
    {
      name: 'consecutive same-role messages are merged',
      request: chat({ messages: [user('one'), user('two'), { role: 'assistant', content: 'three' }] }),
      expected: {
        messages: [
          { role: 'user', content: [{ text: 'one' }, { text: 'two' }] },
          { role: 'assistant', content: [{ text: 'three' }] },
        ],
      },
    },
    {
      name: 'tool calls become toolUse blocks and consecutive tool results one user turn',
      request: chat({
        messages: [
          user('Weather in Paris and Rome?'),
          {
            role: 'assistant',
            content: '',
            tool_calls: [
              { id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
              { id: 'call_2', type: 'function', function: { name: 'weather', arguments: '' } },
            ],
          },
          { role: 'tool', tool_call_id: 'call_1', content: 'sunny' },
          { role: 'tool', tool_call_id: 'call_2', content: [{ type: 'text', text: 'rainy' }] },
          user('Thanks'),
        ],
      }),
      expected: {
        messages: [
          { role: 'user', content: [{ text: 'Weather in Paris and Rome?' }] },
          {
            role: 'assistant',
            content: [
              { toolUse: { toolUseId: 'call_1', name: 'weather', input: { city: 'Paris' } } },
              { toolUse: { toolUseId: 'call_2', name: 'weather', input: {} } },
            ],
          },
          {
            role: 'user',
            content: [
              { toolResult: { toolUseId: 'call_1', content: [{ text: 'sunny' }] } },
              { toolResult: { toolUseId: 'call_2', content: [{ text: 'rainy' }] } },
              { text: 'Thanks' },
            ],
          },
        ],
      },
    },
    {
      name: 'sampling parameters become inferenceConfig, temperature clamped to 1, the smaller output cap kept',
      request: chat({
        messages: [user('Hi')],
        max_tokens: 50,
        max_completion_tokens: 100,
        temperature: 1.5,
        top_p: 0.9,
        stop: 'END',
      }),
      expected: { inferenceConfig: { maxTokens: 50, temperature: 1, topP: 0.9, stopSequences: ['END'] } },
    },
    {
      name: "the model's maxOutputTokens caps the output when the request does not",
      request: chat({ messages: [user('Hi')], stop: ['a', 'b'] }),
      target: target({ maxOutputTokens: 512 }),
      expected: { inferenceConfig: { maxTokens: 512, stopSequences: ['a', 'b'] } },
    },
    {
      name: 'json_object response format appends a JSON-only instruction',
      request: chat({
        messages: [{ role: 'system', content: 'Be brief.' }, user('Hi')],
        response_format: { type: 'json_object' },
      }),
      expected: { system: [{ text: 'Be brief.' }, { text: expect.stringContaining('only with a valid JSON object') }] },
    },
    {
      name: 'json_schema response format includes the schema',
      request: chat({
        messages: [user('Hi')],
        response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'object', required: ['a'] } } },
      }),
      expected: { system: [{ text: expect.stringContaining('{"type":"object","required":["a"]}') }] },
    },
    {
      name: 'the upstream model id is the upstreamModel',
      request: chat({ messages: [user('Hi')] }),
      expected: { modelId: 'anthropic.claude-test-v1:0' },
    },
    {
      name: 'the upstream model id defaults to the id, and empty sections are left out',
      request: chat({ messages: [user('Hi')] }),
      target: target({ upstreamModel: undefined }),
      expected: { modelId: 'claude', system: undefined, inferenceConfig: undefined, toolConfig: undefined },
    },
  ])('$name', ({ request, target: modelTarget, expected }) => {
    // Act
    const input = toConverseInput(request, modelTarget ?? target());

    // Assess
    expect(input).toMatchObject(expected);
  });

  const weatherTool = {
    type: 'function',
    function: { name: 'weather', description: 'Get weather', parameters: { type: 'object' } },
  };
  it.each([
    { toolChoice: undefined, expected: undefined },
    { toolChoice: 'none', expected: undefined },
    { toolChoice: 'auto', expected: { auto: {} } },
    { toolChoice: 'required', expected: { any: {} } },
    { toolChoice: { type: 'function', function: { name: 'weather' } }, expected: { tool: { name: 'weather' } } },
  ])('maps tool_choice $toolChoice to $expected', ({ toolChoice, expected }) => {
    // Prepare
    const noParams = { type: 'function', function: { name: 'now' } };
    const request = chat({ messages: [user('Hi')], tools: [weatherTool, noParams], tool_choice: toolChoice });

    // Act
    const input = toConverseInput(request, target());

    // Assess
    expect(input.toolConfig).toEqual({
      tools: [
        { toolSpec: { name: 'weather', description: 'Get weather', inputSchema: { json: { type: 'object' } } } },
        { toolSpec: { name: 'now', description: undefined, inputSchema: { json: { type: 'object', properties: {} } } } },
      ],
      toolChoice: expected,
    });
  });

  it.each([
    {
      name: 'an http image URL',
      messages: [
        user('Look'),
        user([
          { type: 'text', text: 'this' },
          { type: 'image_url', image_url: { url: 'https://x.test/a.png' } },
        ]),
      ],
      param: 'messages[1].content[1]',
      message: /data URLs/,
    },
    {
      name: 'an unsupported image type',
      messages: [user([{ type: 'image_url', image_url: { url: 'data:image/bmp;base64,AAAA' } }])],
      param: 'messages[0].content[0]',
      message: /png, jpeg, gif and webp/,
    },
    {
      name: 'an audio part',
      messages: [user([{ type: 'input_audio', input_audio: { data: 'AAAA', format: 'wav' } }])],
      param: 'messages[0].content[0]',
      message: /input_audio/,
    },
    {
      name: 'tool call arguments that are not JSON',
      messages: [
        user('Hi'),
        { role: 'assistant', tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{oops' } }] },
      ],
      param: 'messages[1].tool_calls[0].function.arguments',
      message: /JSON/,
    },
    {
      name: 'the deprecated function role',
      messages: [user('Hi'), { role: 'function', name: 'f', content: 'x' }],
      param: 'messages[1].role',
      message: /function role/,
    },
    {
      name: 'more than one choice',
      messages: [user('Hi')],
      n: 2,
      param: 'n',
      message: /single choice/,
    },
  ])('rejects $name with an InvalidRequestError naming the param', ({ messages, n, param, message }) => {
    // Prepare
    const request = chat({ messages, n });

    // Act
    const act = () => toConverseInput(request, target());

    // Assess
    expect(act).toThrow(InvalidRequestError);
    expect(act).toThrow(expect.objectContaining({ param, statusCode: 400, message: expect.stringMatching(message) }));
  });
});

describe('toFinishReason', () => {
  it.each([
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['max_tokens', 'length'],
    ['model_context_window_exceeded', 'length'],
    ['tool_use', 'tool_calls'],
    ['guardrail_intervened', 'content_filter'],
    ['content_filtered', 'content_filter'],
    [undefined, 'stop'],
  ])('maps %s to %s', (stopReason, expected) => {
    // Act
    const reason = toFinishReason(stopReason);

    // Assess
    expect(reason).toBe(expected);
  });
});

describe('fromConverseUsage', () => {
  it.each([
    { usage: undefined, expected: undefined },
    {
      usage: { inputTokens: 10, outputTokens: 5, totalTokens: 15 },
      expected: { promptTokens: 10, completionTokens: 5, cachedTokens: 0, estimated: false },
    },
    {
      usage: { inputTokens: 4, outputTokens: 5, totalTokens: 39, cacheReadInputTokens: 20, cacheWriteInputTokens: 10 },
      expected: { promptTokens: 34, completionTokens: 5, cachedTokens: 20, estimated: false },
    },
  ])('maps $usage', ({ usage, expected }) => {
    // Act
    const mapped = fromConverseUsage(usage);

    // Assess
    expect(mapped).toEqual(expected);
  });
});

describe('fromConverseOutput', () => {
  it('translates text, tool use, stop reason and usage to an OpenAI completion', () => {
    // Prepare
    const output = {
      output: {
        message: {
          role: 'assistant' as const,
          content: [
            { text: 'Let me check.' },
            { toolUse: { toolUseId: 'tooluse_1', name: 'weather', input: { city: 'Paris' } } },
          ],
        },
      },
      stopReason: 'tool_use' as const,
      usage: { inputTokens: 12, outputTokens: 8, totalTokens: 23, cacheReadInputTokens: 3 },
    };

    // Act
    const { completion, usage } = fromConverseOutput(output, 'claude');

    // Assess
    expect(completion).toMatchObject({
      id: expect.stringMatching(/^chatcmpl-\w+$/),
      object: 'chat.completion',
      model: 'claude',
      choices: [
        {
          index: 0,
          finish_reason: 'tool_calls',
          message: {
            role: 'assistant',
            content: 'Let me check.',
            tool_calls: [{ id: 'tooluse_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } }],
          },
        },
      ],
      usage: { prompt_tokens: 15, completion_tokens: 8, total_tokens: 23, prompt_tokens_details: { cached_tokens: 3 } },
    });
    expect(usage).toEqual({ promptTokens: 15, completionTokens: 8, cachedTokens: 3, estimated: false });
  });

  it('sets content to null when the answer is only tool calls, and estimates missing usage', () => {
    // Prepare
    const output = {
      output: {
        message: { role: 'assistant' as const, content: [{ toolUse: { toolUseId: 't', name: 'now', input: undefined } }] },
      },
      stopReason: 'tool_use' as const,
      usage: undefined,
    };

    // Act
    const { completion, usage } = fromConverseOutput(output, 'claude', chat({ messages: [user('What time is it?')] }));

    // Assess
    expect(completion.choices[0]?.message).toEqual({
      role: 'assistant',
      content: null,
      tool_calls: [{ id: 't', type: 'function', function: { name: 'now', arguments: '{}' } }],
    });
    expect(usage.estimated).toBe(true);
    // 3 + 4 + 5 ('What time is it?': four words and a symbol, 4.6).
    expect(usage.promptTokens).toBe(12);
  });

  it('throws a protocol error when the output has no message', () => {
    // Act
    const act = () => fromConverseOutput({ output: undefined, stopReason: 'end_turn', usage: undefined }, 'claude');

    // Assess
    expect(act).toThrow(expect.objectContaining({ code: 'upstream_bad_response', statusCode: 502 }));
  });
});

describe('translateConverseStream', () => {
  const metadata: ConverseStreamOutput = {
    metadata: { usage: { inputTokens: 7, outputTokens: 3, totalTokens: 10 }, metrics: undefined },
  };

  it('yields a role chunk, content and tool deltas, the finish reason, then one usage event', async () => {
    // Prepare
    const events: ConverseStreamOutput[] = [
      { messageStart: { role: 'assistant' } },
      { contentBlockDelta: { contentBlockIndex: 0, delta: { text: 'Checking ' } } },
      { contentBlockDelta: { contentBlockIndex: 0, delta: { text: 'both.' } } },
      { contentBlockStop: { contentBlockIndex: 0 } },
      { contentBlockStart: { contentBlockIndex: 1, start: { toolUse: { toolUseId: 'tu_a', name: 'weather' } } } },
      { contentBlockDelta: { contentBlockIndex: 1, delta: { toolUse: { input: '{"city":' } } } },
      { contentBlockDelta: { contentBlockIndex: 1, delta: { toolUse: { input: '"Paris"}' } } } },
      { contentBlockStop: { contentBlockIndex: 1 } },
      { contentBlockStart: { contentBlockIndex: 2, start: { toolUse: { toolUseId: 'tu_b', name: 'weather' } } } },
      { contentBlockDelta: { contentBlockIndex: 2, delta: { toolUse: { input: '{"city":"Rome"}' } } } },
      { contentBlockStop: { contentBlockIndex: 2 } },
      { messageStop: { stopReason: 'tool_use' } },
      metadata,
    ];

    // Act
    const out = await collect(translateConverseStream(eventsOf(events), 'claude'));

    // Assess
    expect(deltas(out).map((choice) => [choice.delta, choice.finish_reason])).toEqual([
      [{ role: 'assistant', content: '' }, null],
      [{ content: 'Checking ' }, null],
      [{ content: 'both.' }, null],
      [{ tool_calls: [{ index: 0, id: 'tu_a', type: 'function', function: { name: 'weather', arguments: '' } }] }, null],
      [{ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }, null],
      [{ tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] }, null],
      [{ tool_calls: [{ index: 1, id: 'tu_b', type: 'function', function: { name: 'weather', arguments: '' } }] }, null],
      [{ tool_calls: [{ index: 1, function: { arguments: '{"city":"Rome"}' } }] }, null],
      [{}, 'tool_calls'],
    ]);
    const chunks = out.flatMap((event) => (event.type === 'chunk' ? [event.chunk] : []));
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
    expect(chunks.every((chunk) => chunk.model === 'claude' && chunk.object === 'chat.completion.chunk')).toBe(true);
    expect(out.filter((event) => event.type === 'usage')).toHaveLength(1);
    expect(out.at(-1)).toEqual({
      type: 'usage',
      usage: { promptTokens: 7, completionTokens: 3, cachedTokens: 0, estimated: false },
    });
  });

  it('estimates usage when the metadata event has none', async () => {
    // Prepare
    const events: ConverseStreamOutput[] = [
      { messageStart: { role: 'assistant' } },
      { contentBlockDelta: { contentBlockIndex: 0, delta: { text: 'Hello there' } } },
      { messageStop: { stopReason: 'end_turn' } },
      { metadata: { usage: undefined, metrics: undefined } },
    ];

    // Act
    const out = await collect(translateConverseStream(eventsOf(events), 'claude', chat({ messages: [user('Hi')] })));

    // Assess: the prompt is 3 + 4 + 1 ('Hi'), the streamed text two words ('Hello there').
    expect(out.at(-1)).toEqual({
      type: 'usage',
      usage: { promptTokens: 8, completionTokens: 2, cachedTokens: 0, estimated: true },
    });
  });

  it.each([
    { member: 'throttlingException', statusCode: 429, code: 'upstream_rate_limited', retryable: true },
    { member: 'serviceUnavailableException', statusCode: 503, code: 'upstream_unavailable', retryable: true },
    { member: 'modelStreamErrorException', statusCode: 502, code: 'upstream_error', retryable: true },
    { member: 'internalServerException', statusCode: 502, code: 'upstream_error', retryable: true },
    { member: 'validationException', statusCode: 400, code: 'upstream_invalid_request', retryable: false },
  ])('throws $statusCode for a $member event', async ({ member, statusCode, code, retryable }) => {
    // Prepare
    const events = [{ messageStart: { role: 'assistant' } }, { [member]: { message: 'went wrong' } }] as ConverseStreamOutput[];

    // Act
    const act = collect(translateConverseStream(eventsOf(events), 'claude'));

    // Assess
    await expect(act).rejects.toBeInstanceOf(UpstreamError);
    await expect(act).rejects.toMatchObject({ statusCode, code, retryable });
  });

  it.each([
    { name: 'messageStop', events: [{ messageStart: { role: 'assistant' } }, metadata] },
    { name: 'metadata', events: [{ messageStart: { role: 'assistant' } }, { messageStop: { stopReason: 'end_turn' } }] },
    { name: 'any event', events: [] },
  ])('throws upstream_stream_cut when the stream ends without $name', async ({ events }) => {
    // Act
    const act = collect(translateConverseStream(eventsOf(events as ConverseStreamOutput[]), 'claude'));

    // Assess
    await expect(act).rejects.toMatchObject({ code: 'upstream_stream_cut', statusCode: 502, retryable: true });
  });

  it('throws a protocol error for tool input without a started tool block', async () => {
    // Prepare
    const events: ConverseStreamOutput[] = [{ contentBlockDelta: { contentBlockIndex: 3, delta: { toolUse: { input: '{}' } } } }];

    // Act
    const act = collect(translateConverseStream(eventsOf(events), 'claude'));

    // Assess
    await expect(act).rejects.toMatchObject({ code: 'upstream_bad_response' });
  });
});

describe('fromBedrockError', () => {
  const serviceError = (name: string, status: number | undefined, message = 'upstream says no') =>
    Object.assign(new Error(message), { name, $fault: 'client', $metadata: { httpStatusCode: status } });

  it.each([
    {
      name: 'throttling',
      error: serviceError('ThrottlingException', 429),
      statusCode: 429,
      code: 'upstream_rate_limited',
      retryable: true,
    },
    {
      name: 'a stream exception without an HTTP status',
      error: serviceError('ServiceUnavailableException', undefined),
      statusCode: 503,
      code: 'upstream_unavailable',
      retryable: true,
    },
    {
      name: 'validation',
      error: serviceError('ValidationException', 400),
      statusCode: 400,
      code: 'upstream_invalid_request',
      retryable: false,
    },
    {
      name: 'access denied',
      error: serviceError('AccessDeniedException', 403),
      statusCode: 502,
      code: 'upstream_auth_error',
      retryable: false,
    },
    {
      name: 'an unknown model',
      error: serviceError('ResourceNotFoundException', 404),
      statusCode: 502,
      code: 'upstream_model_not_found',
      retryable: false,
    },
    {
      name: 'an exhausted account quota',
      error: serviceError('ServiceQuotaExceededException', 400),
      statusCode: 429,
      code: 'upstream_rate_limited',
      retryable: true,
    },
    {
      name: 'a model timeout',
      error: serviceError('ModelTimeoutException', 408),
      statusCode: 504,
      code: 'upstream_timeout',
      retryable: true,
    },
    {
      name: 'an unmodeled server error',
      error: serviceError('SomethingNewException', 500),
      statusCode: 502,
      code: 'upstream_error',
      retryable: true,
    },
    {
      name: 'missing credentials',
      error: Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }),
      statusCode: 502,
      code: 'upstream_auth_error',
      retryable: false,
    },
    {
      name: 'an unparseable 200',
      error: Object.assign(new Error('bad json'), { $metadata: { httpStatusCode: 200 } }),
      statusCode: 502,
      code: 'upstream_bad_response',
      retryable: true,
    },
    {
      name: 'a refused connection',
      error: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
      statusCode: 502,
      code: 'upstream_connection_error',
      retryable: true,
    },
    {
      name: 'a reset mid-stream',
      error: Object.assign(new Error('aborted'), { code: 'ECONNRESET' }),
      midStream: true,
      statusCode: 502,
      code: 'upstream_stream_cut',
      retryable: true,
    },
  ])('maps $name', ({ error, midStream, statusCode, code, retryable }) => {
    // Act
    const mapped = fromBedrockError(error, 'claude', { midStream });

    // Assess
    expect(mapped).toBeInstanceOf(UpstreamError);
    expect(mapped).toMatchObject({ statusCode, code, retryable });
  });

  it('scrubs the static credentials from upstream messages', () => {
    // Prepare
    const error = serviceError(
      'ValidationException',
      400,
      'bad signature for secret wJalrXUtnFEMI/K7MDENG and AKIAABCDEFGHIJKLMNOP',
    );

    // Act
    const mapped = fromBedrockError(error, 'claude', { secrets: ['wJalrXUtnFEMI/K7MDENG'] });

    // Assess
    expect(mapped.message).not.toContain('wJalrXUtnFEMI/K7MDENG');
    expect(mapped.message).not.toContain('AKIAABCDEFGHIJKLMNOP');
  });

  it('passes router errors through unchanged', () => {
    // Prepare
    const error = new InvalidRequestError('nope');

    // Act
    const mapped = fromBedrockError(error, 'claude');

    // Assess
    expect(mapped).toBe(error);
  });
});
