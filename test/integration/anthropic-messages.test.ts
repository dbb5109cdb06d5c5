import Anthropic, {
  APIError,
  AuthenticationError,
  BadRequestError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
} from '@anthropic-ai/sdk';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { UsageEventDetail } from '#shared/events/usage-event.ts';
import { type Harness, startHarness } from './harness.ts';

// The Anthropic Messages API, driven by the official `@anthropic-ai/sdk` with only `baseURL` and
// the key changed: JSON, streams, tool use, token counts and errors in Anthropic's shape, routed
// to every provider through the same stack (keys, routing, guardrails, limits, usage events).

let harness: Harness;
let key: string;

beforeAll(async () => {
  harness = await startHarness({
    configure: (config) => {
      config.anthropicModels = { 'claude-sonnet-4-5': 'mock-large', 'claude-*': 'auto' };
      config.guardrails = {
        policies: { default: {}, messages: { input: { denyList: ['project nightingale'], denyAction: 'block' } } },
        routes: { '/v1/messages': 'messages' },
      };
    },
  });
  key = (await harness.createKey({ limits: { rpm: 1_000, tpm: 10_000_000 } })).key;
});
afterAll(async () => harness.close());
afterEach(() => {
  harness.openaiUpstream.setBehavior({ kind: 'echo' });
  harness.anthropicUpstream.setBehavior({ kind: 'echo' });
});

const client = (apiKey = key) => new Anthropic({ apiKey, baseURL: harness.router.url, maxRetries: 0 });

/** A raw call, as a client without the SDK would make it. */
const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${harness.router.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': key, 'anthropic-version': '2023-06-01', ...headers },
    body: JSON.stringify(body),
  });

const usageEvent = async (requestId: string | null): Promise<UsageEventDetail | undefined> => {
  await harness.router.idle();
  return harness.usageEvent(requestId);
};

const weatherTool = {
  name: 'get_weather',
  description: 'The weather in a city',
  input_schema: { type: 'object' as const, properties: { city: { type: 'string' } }, required: ['city'] },
};

describe.each([
  { model: 'mock-small', expected: 'This is a mock reply from mock-small. You said: "Say hi"' },
  { model: 'gpt-fake', expected: 'echo: Say hi' },
  { model: 'claude-fake', expected: 'echo: Say hi' },
  { model: 'bedrock-fake', expected: 'You said: Say hi' },
])('the Anthropic SDK through $model', ({ model, expected }) => {
  test('messages.create gets a message with usage', async () => {
    // Act
    const {
      data: message,
      response,
      request_id,
    } = await client()
      .messages.create({ model, max_tokens: 256, messages: [{ role: 'user', content: 'Say hi' }] })
      .withResponse();

    // Assess
    expect(message).toMatchObject({
      id: expect.stringMatching(/^msg_/),
      type: 'message',
      role: 'assistant',
      model,
      content: [{ type: 'text', text: expected }],
      stop_reason: 'end_turn',
      stop_sequence: null,
    });
    expect(message.usage.input_tokens).toBeGreaterThan(0);
    expect(message.usage.output_tokens).toBeGreaterThan(0);
    expect(response.headers.get('x-router-model')).toBe(model);
    expect(response.headers.get('x-request-id')).toBeTruthy();
    expect(request_id).toBe(response.headers.get('x-request-id'));
  });

  test('messages.stream gets Anthropic events token by token, usage in message_delta', async () => {
    // Prepare
    const types: string[] = [];
    let text = '';

    // Act
    const stream = client().messages.stream({ model, max_tokens: 256, messages: [{ role: 'user', content: 'Say hi' }] });
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
    }
    const message = await stream.finalMessage();

    // Assess
    expect(text).toBe(expected);
    expect(types[0]).toBe('message_start');
    expect(types.slice(1, 3)).toEqual(['content_block_start', 'content_block_delta']);
    expect(types.filter((type) => type === 'content_block_delta').length).toBeGreaterThan(2);
    expect(types.slice(-3)).toEqual(['content_block_stop', 'message_delta', 'message_stop']);
    expect(message.content).toEqual([{ type: 'text', text: expected }]);
    expect(message.stop_reason).toBe('end_turn');
    expect(message.usage.output_tokens).toBeGreaterThan(0);
  });
});

describe('billing and headers, as for chat completions', () => {
  test('a message publishes one usage event with the usage the client was shown', async () => {
    // Act
    const { data: message, response } = await client()
      .messages.create({ model: 'claude-fake', max_tokens: 100, messages: [{ role: 'user', content: 'count me' }] })
      .withResponse();
    const detail = await usageEvent(response.headers.get('x-request-id'));

    // Assess
    expect(detail).toMatchObject({
      requestedModel: 'claude-fake',
      servedModel: 'claude-fake',
      provider: 'anthropic',
      status: 200,
      stream: false,
      usage: { promptTokens: message.usage.input_tokens, completionTokens: message.usage.output_tokens },
    });
    expect(response.headers.get('x-token-usage')).toMatch(
      new RegExp(`^prompt=${message.usage.input_tokens}; completion=${message.usage.output_tokens}; cached=0;`),
    );
    expect(response.headers.get('x-router-provider')).toBe('anthropic');
    expect(response.headers.get('x-ratelimit-remaining-requests')).not.toBeNull();
  });

  test('a stream is billed for the usage its message_delta reports', async () => {
    // Prepare
    harness.anthropicUpstream.setBehavior({
      kind: 'reply',
      text: 'streamed answer',
      usage: { input_tokens: 42, output_tokens: 7 },
    });

    // Act
    const stream = client().messages.stream({
      model: 'claude-fake',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'x' }],
    });
    const message = await stream.finalMessage();
    const { response } = await stream.withResponse();
    const detail = await usageEvent(response.headers.get('x-request-id'));

    // Assess
    expect(message.usage).toMatchObject({ input_tokens: 42, output_tokens: 7, cache_read_input_tokens: 0 });
    expect(detail).toMatchObject({ stream: true, usage: { promptTokens: 42, completionTokens: 7, estimated: false } });
  });

  test('the beta client (as Claude Code calls it: ?beta=true, anthropic-beta) is served by the same route', async () => {
    // Act
    const message = await client().beta.messages.create({
      model: 'mock-small',
      max_tokens: 50,
      betas: ['context-management-2025-06-27'],
      messages: [{ role: 'user', content: 'Say hi' }],
    });

    // Assess
    expect(message).toMatchObject({ type: 'message', model: 'mock-small', stop_reason: 'end_turn' });
  });

  test('x-router-dry-run: 1 shows the routing decision and calls no model', async () => {
    // Prepare
    const before = harness.openaiUpstream.requests.length;

    // Act
    const response = await post(
      '/v1/messages',
      { model: 'gpt-fake', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] },
      { 'x-router-dry-run': '1' },
    );

    // Assess
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ object: 'router.decision', dry_run: true, model: 'gpt-fake' });
    expect(harness.openaiUpstream.requests.length).toBe(before);
  });
});

describe('model names', () => {
  test('a Claude model id is served by the model it is mapped to, exact entries before prefixes', async () => {
    // Act
    const exact = await client()
      .messages.create({ model: 'claude-sonnet-4-5', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();
    const prefixed = await client()
      .messages.create({ model: 'claude-haiku-4-5-20251001', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();

    // Assess
    expect(exact.data.model).toBe('mock-large');
    expect(exact.response.headers.get('x-router-model')).toBe('mock-large');
    expect(['mock-small', 'mock-large']).toContain(prefixed.data.model);
    expect(prefixed.response.headers.get('x-router-tier')).not.toBeNull();
  });

  test('auto routes like every request', async () => {
    // Act
    const message = await client().messages.create({
      model: 'auto',
      max_tokens: 50,
      messages: [{ role: 'user', content: 'hi' }],
    });

    // Assess
    expect(['mock-small', 'mock-large']).toContain(message.model);
  });

  test('a name neither configured nor mapped is a NotFoundError listing the names', async () => {
    // Act
    const error = await client()
      .messages.create({ model: 'gpt-nonexistent', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] })
      .catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).error).toMatchObject({
      type: 'error',
      error: { type: 'not_found_error', message: expect.stringContaining("'gpt-nonexistent' does not exist") },
    });
  });
});

describe('tool use', () => {
  test.each([
    { model: 'claude-fake', upstream: 'anthropic' },
    { model: 'gpt-fake', upstream: 'openai' },
  ])('a round trip through $model: tool_use, then tool_result', async ({ model, upstream }) => {
    // Prepare
    if (upstream === 'anthropic')
      harness.anthropicUpstream.setBehavior({
        kind: 'reply',
        text: '',
        toolCall: { name: 'get_weather', input: { city: 'Paris' } },
      });
    else harness.openaiUpstream.enqueue({ kind: 'tool-calls', calls: [{ name: 'get_weather', arguments: '{"city":"Paris"}' }] });
    const anthropic = client();
    const question: Anthropic.MessageParam = { role: 'user', content: 'Weather in Paris?' };

    // Act
    const first = await anthropic.messages.create({ model, max_tokens: 200, tools: [weatherTool], messages: [question] });
    const call = first.content.find((block) => block.type === 'tool_use');
    if (upstream === 'anthropic') harness.anthropicUpstream.setBehavior({ kind: 'reply', text: 'Sunny in Paris.' });
    else harness.openaiUpstream.enqueue({ kind: 'reply', text: 'Sunny in Paris.' });
    const second = await anthropic.messages.create({
      model,
      max_tokens: 200,
      tools: [weatherTool],
      messages: [
        question,
        { role: 'assistant', content: first.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: call?.id ?? '', content: '18C and sunny' }] },
      ],
    });

    // Assess
    expect(first.stop_reason).toBe('tool_use');
    expect(call).toMatchObject({ type: 'tool_use', id: expect.any(String), name: 'get_weather', input: { city: 'Paris' } });
    expect(second.content).toEqual([{ type: 'text', text: 'Sunny in Paris.' }]);
    expect(second.stop_reason).toBe('end_turn');
    if (upstream === 'anthropic') {
      const sent = harness.anthropicUpstream.requests.at(-1)?.body as { messages: unknown[]; tools: unknown[] };
      expect(sent.tools).toEqual([weatherTool]);
      expect(sent.messages).toEqual([
        { role: 'user', content: [{ type: 'text', text: 'Weather in Paris?' }] },
        { role: 'assistant', content: [{ type: 'tool_use', id: call?.id, name: 'get_weather', input: { city: 'Paris' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: call?.id, content: '18C and sunny' }] },
      ]);
    } else {
      const sent = harness.openaiUpstream.requests.at(-1)?.body as { messages: unknown[]; tools: unknown[] };
      expect(sent.tools).toEqual([
        {
          type: 'function',
          function: { name: 'get_weather', description: 'The weather in a city', parameters: weatherTool.input_schema },
        },
      ]);
      expect(sent.messages).toEqual([
        { role: 'user', content: 'Weather in Paris?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: call?.id, type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
        },
        { role: 'tool', tool_call_id: call?.id, content: '18C and sunny' },
      ]);
    }
  });

  test.each([
    { model: 'claude-fake', upstream: 'anthropic' },
    { model: 'gpt-fake', upstream: 'openai' },
  ])('a streamed tool call through $model arrives as a tool_use block with input_json_delta', async ({ model, upstream }) => {
    // Prepare
    if (upstream === 'anthropic')
      harness.anthropicUpstream.setBehavior({
        kind: 'reply',
        text: 'Let me check.',
        toolCall: { name: 'get_weather', input: { city: 'Paris' } },
      });
    else
      harness.openaiUpstream.enqueue({
        kind: 'tool-calls',
        text: 'Let me check.',
        calls: [{ name: 'get_weather', arguments: '{"city":"Paris"}' }],
      });
    const deltas: string[] = [];

    // Act
    const stream = client().messages.stream({
      model,
      max_tokens: 200,
      tools: [weatherTool],
      tool_choice: { type: 'auto' },
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
    });
    stream.on('inputJson', (partial) => deltas.push(partial));
    const message = await stream.finalMessage();

    // Assess
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content).toMatchObject([
      { type: 'text', text: 'Let me check.' },
      { type: 'tool_use', name: 'get_weather', input: { city: 'Paris' } },
    ]);
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe('{"city":"Paris"}');
  });
});

describe('content', () => {
  test('system, images, stop_sequences and sampling reach an OpenAI upstream in its format', async () => {
    // Prepare
    harness.openaiUpstream.requests.length = 0;

    // Act (raw: the current SDK no longer types the sampling fields, older SDKs and other clients send them)
    const response = await post('/v1/messages', {
      model: 'gpt-fake',
      max_tokens: 64,
      system: [{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } }],
      stop_sequences: ['END'],
      temperature: 0.2,
      top_k: 5,
      metadata: { user_id: 'user-7' },
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
            { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
          ],
        },
      ],
    });

    // Assess
    expect(response.status).toBe(200);
    expect(harness.openaiUpstream.requests[0]?.body).toEqual({
      model: 'gpt-4o-mini',
      max_tokens: 64,
      stop: ['END'],
      temperature: 0.2,
      user: 'user-7',
      messages: [
        { role: 'system', content: 'Be brief.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } },
          ],
        },
      ],
    });
  });

  test('a Claude upstream gets the system prompt and stop sequences back in its own fields', async () => {
    // Act
    await client().messages.create({
      model: 'claude-fake',
      max_tokens: 64,
      system: 'Be brief.',
      stop_sequences: ['END', 'STOP'],
      messages: [{ role: 'user', content: 'hi' }],
    });

    // Assess
    expect(harness.anthropicUpstream.requests.at(-1)?.body).toMatchObject({
      model: 'claude-sonnet-4-5',
      system: 'Be brief.',
      stop_sequences: ['END', 'STOP'],
      max_tokens: 64,
    });
  });
});

describe('messages.countTokens', () => {
  test('counts the prompt with the router estimator, without calling a model or using the token limits', async () => {
    // Prepare
    const before = harness.openaiUpstream.requests.length + harness.anthropicUpstream.requests.length;
    const messages: Anthropic.MessageParam[] = [{ role: 'user', content: 'How many tokens is this sentence?' }];

    // Act
    const short = await client().messages.countTokens({ model: 'claude-sonnet-4-5', messages }).withResponse();
    const long = await client().messages.countTokens({
      model: 'gpt-fake',
      system: 'You answer questions about the weather in great detail.',
      tools: [weatherTool],
      messages,
    });

    // Assess
    expect(short.data.input_tokens).toBeGreaterThan(5);
    expect(long.input_tokens).toBeGreaterThan(short.data.input_tokens + 10);
    expect(short.response.headers.get('x-ratelimit-remaining-tokens')).toBeNull();
    expect(harness.openaiUpstream.requests.length + harness.anthropicUpstream.requests.length).toBe(before);
  });

  test('a model the key may not use is a PermissionDeniedError, as on /v1/messages', async () => {
    // Prepare
    const narrow = (await harness.createKey({ models: ['mock-small'] })).key;

    // Act
    const refused = await client(narrow)
      .messages.countTokens({ model: 'gpt-fake', messages: [{ role: 'user', content: 'x' }] })
      .catch((caught: unknown) => caught);
    const allowed = await client(narrow).messages.countTokens({
      model: 'mock-small',
      messages: [{ role: 'user', content: 'x' }],
    });

    // Assess
    expect(refused).toBeInstanceOf(PermissionDeniedError);
    expect((refused as APIError).error).toMatchObject({ type: 'error', error: { code: 'model_not_allowed' } });
    expect(allowed.input_tokens).toBeGreaterThan(0);
  });

  test('an unknown model is a NotFoundError, a missing key an AuthenticationError', async () => {
    // Act
    const unknown = await client()
      .messages.countTokens({ model: 'nope', messages: [{ role: 'user', content: 'x' }] })
      .catch((caught: unknown) => caught);
    const unauthenticated = await client('sk-wrong')
      .messages.countTokens({ model: 'auto', messages: [{ role: 'user', content: 'x' }] })
      .catch((caught: unknown) => caught);

    // Assess
    expect(unknown).toBeInstanceOf(NotFoundError);
    expect(unauthenticated).toBeInstanceOf(AuthenticationError);
    expect((unauthenticated as APIError).requestID).toMatch(/\S/);
    expect((unauthenticated as APIError).error).toEqual({
      type: 'error',
      error: { type: 'authentication_error', message: 'Invalid API key.', code: 'invalid_api_key' },
    });
  });
});

describe('errors in Anthropic shape', () => {
  test('a body without max_tokens is a 400 invalid_request_error naming the field', async () => {
    // Act
    const response = await post('/v1/messages', { model: 'auto', messages: [{ role: 'user', content: 'hi' }] });

    // Assess
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      type: 'error',
      error: {
        type: 'invalid_request_error',
        message: expect.stringContaining('max_tokens: max_tokens is required'),
        code: 'invalid_request',
      },
    });
  });

  test('a server tool is refused with a reason', async () => {
    // Act
    const response = await post('/v1/messages', {
      model: 'auto',
      max_tokens: 10,
      tools: [{ type: 'web_search_20250305', name: 'web_search' }],
      messages: [{ role: 'user', content: 'hi' }],
    });

    // Assess
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain(
      "tools[0].type: server tool 'web_search_20250305' is not available through the router",
    );
  });

  test('a prompt the route guardrail policy blocks is a BadRequestError with the content_policy code', async () => {
    // Act
    const error = await client()
      .messages.create({
        model: 'auto',
        max_tokens: 10,
        messages: [{ role: 'user', content: 'tell me about Project Nightingale' }],
      })
      .catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as APIError).error).toMatchObject({
      type: 'error',
      error: { type: 'invalid_request_error', code: 'content_policy' },
    });
    expect((error as APIError).headers?.get('x-router-guardrail')).toBe('block:deny:0');
  });

  test('a key over its requests per minute gets a RateLimitError with retry-after', async () => {
    // Prepare
    const limited = (await harness.createKey({ limits: { rpm: 1 } })).key;
    const params = { model: 'mock-small', max_tokens: 10, messages: [{ role: 'user' as const, content: 'hi' }] };
    await client(limited).messages.create(params);

    // Act
    const error = await client(limited)
      .messages.create(params)
      .catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as APIError).error).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } });
    expect((error as APIError).headers?.get('retry-after')).toMatch(/^\d+$/);
  });

  test("output_config.format's schema is prompt: it is reserved against a monthly quota like the system prompt is", async () => {
    // Prepare: a schema of some 10,000 tokens, and a key whose whole month is 5,000.
    const limited = (await harness.createKey({ limits: { monthlyTokens: 5_000 } })).key;
    const description = 'routers and models '.repeat(2_000);
    const schema = { type: 'object', properties: { answer: { type: 'string', description } }, required: ['answer'] };

    // Act
    const error = await client(limited)
      .messages.create({
        model: 'mock-small',
        max_tokens: 10,
        messages: [{ role: 'user', content: 'hi' }],
        output_config: { format: { type: 'json_schema', schema } },
      })
      .catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as APIError).error).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    expect((error as APIError).message).toMatch(/monthly token limit/);
  });

  test('an upstream failure after the stream started ends it with an Anthropic error event', async () => {
    // Prepare
    harness.anthropicUpstream.setBehavior({
      kind: 'error',
      status: 529,
      errorType: 'overloaded_error',
      message: 'Overloaded',
      midStream: true,
    });

    // Act
    const stream = client().messages.stream({ model: 'claude-fake', max_tokens: 50, messages: [{ role: 'user', content: 'x' }] });
    const error = await stream.finalMessage().catch((caught: unknown) => caught);
    const { response } = await stream.withResponse();

    // Assess
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).error).toMatchObject({
      type: 'error',
      error: {
        type: 'overloaded_error',
        message: expect.stringContaining(`(request id ${response.headers.get('request-id')})`),
        code: 'upstream_unavailable',
      },
    });
  });

  test('errors before a route matched keep the router-wide OpenAI shape', async () => {
    // Act
    const response = await fetch(`${harness.router.url}/v1/messages`, { headers: { 'x-api-key': key } });

    // Assess
    expect(response.status).toBe(405);
    expect(await response.json()).toMatchObject({ error: { type: 'invalid_request_error', code: 'method_not_allowed' } });
  });
});
