import { createOpenAI } from '@ai-sdk/openai';
import { streamText } from 'ai';
import type { EventBridgeEvent } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { UsageEventDetail } from '#shared/events/usage-event.ts';
import { type Harness, startHarness } from './harness.ts';

// `POST /v1/responses` runs the whole middy stack, as chat completions does: the router's headers,
// usage events, limits, guardrails and dry runs apply unchanged; what the router refuses is refused
// with a 400 that says what to send instead; a stream that fails after its 200 ends with the
// Responses API's error event.

(globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS = false;

let harness: Harness;
let key: string;
let keyId: string;

beforeAll(async () => {
  harness = await startHarness({
    configure: (config) => {
      config.defaults = { limits: { rpm: 10_000, tpm: 100_000_000 } };
      config.guardrails = {
        policies: {
          default: {
            maxOutputTokens: 1000,
            input: { pii: { email: 'redact', payment_card: 'block' } },
            output: { denyList: ['codename zebra'], denyAction: 'block' },
          },
        },
      };
    },
  });
  ({ key, id: keyId } = await harness.createKey());
});
afterAll(async () => harness.close());
afterEach(() => harness.openaiUpstream.setBehavior({ kind: 'echo' }));

const post = async (body: Record<string, unknown>, options: { headers?: Record<string, string>; apiKey?: string } = {}) => {
  const response = await harness.fetch('/v1/responses', {
    method: 'POST',
    key: options.apiKey ?? key,
    headers: { 'content-type': 'application/json', ...options.headers },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  await harness.router.idle();
  return { response, text, requestId: response.headers.get('x-request-id') ?? '' };
};

/** The `data:` payloads of a Responses event stream, with the event name each came under. */
const events = (text: string) =>
  text
    .split('\n\n')
    .filter((frame) => frame.startsWith('event: '))
    .map((frame) => {
      const [name, data] = frame.split('\n');
      return { name: name?.slice('event: '.length), data: JSON.parse(data?.slice('data: '.length) ?? '{}') };
    });

const usageEventOf = (requestId: string) =>
  harness.router.bus.archive.filter((event) => (event.detail as UsageEventDetail).requestId === requestId) as Array<
    EventBridgeEvent<string, UsageEventDetail>
  >;

describe('headers and usage', () => {
  test('a JSON response carries the routing and usage headers, and its id names the request', async () => {
    // Act
    const { response, text, requestId } = await post({ model: 'gpt-fake', input: 'hello' });

    // Assess
    const body = JSON.parse(text);
    expect(response.status).toBe(200);
    expect(body.id).toBe(`resp_${requestId.replace(/-/g, '')}`);
    expect(response.headers.get('x-router-model')).toBe('gpt-fake');
    expect(response.headers.get('x-router-provider')).toBe('openai');
    expect(response.headers.get('x-token-usage')).toBe(
      `prompt=${body.usage.input_tokens}; completion=${body.usage.output_tokens}; cached=0; total=${body.usage.total_tokens}`,
    );
    expect(response.headers.get('x-ratelimit-remaining-requests')).toMatch(/^\d+$/);
  });

  test('one usage event per response, JSON and stream alike, with the usage the client saw', async () => {
    // Act
    const json = await post({ model: 'gpt-fake', input: 'hello there' });
    const stream = await post({ model: 'gpt-fake', input: 'hello there', stream: true });

    // Assess
    const jsonUsage = JSON.parse(json.text).usage;
    const streamUsage = events(stream.text).at(-1)?.data.response.usage;
    for (const [call, usage, streamed] of [
      [json, jsonUsage, false],
      [stream, streamUsage, true],
    ] as const) {
      const published = usageEventOf(call.requestId);
      expect(published).toHaveLength(1);
      expect(published[0]?.detail).toMatchObject({
        keyId,
        endpoint: expect.stringContaining('/v1/responses'),
        requestedModel: 'gpt-fake',
        servedModel: 'gpt-fake',
        stream: streamed,
        status: 200,
        usage: { promptTokens: usage.input_tokens, completionTokens: usage.output_tokens },
      });
    }
  });

  test('a dry run shows the routing decision and calls no model', async () => {
    // Prepare
    const before = harness.openaiUpstream.requests.length;

    // Act
    const { response, text } = await post({ model: 'auto', input: 'Say hi' }, { headers: { 'x-router-dry-run': '1' } });

    // Assess
    expect(response.status).toBe(200);
    expect(JSON.parse(text)).toMatchObject({ object: 'router.decision', dry_run: true, requested: 'auto', model: 'mock-small' });
    expect(harness.openaiUpstream.requests.length).toBe(before);
  });
});

describe('limits', () => {
  test('a key over its requests per minute gets the same 429 as on chat completions', async () => {
    // Prepare
    const limited = await harness.createKey({ limits: { rpm: 1 } });

    // Act
    const first = await post({ model: 'mock-small', input: 'hi' }, { apiKey: limited.key });
    const second = await post({ model: 'mock-small', input: 'hi' }, { apiKey: limited.key });

    // Assess
    expect(first.response.status).toBe(200);
    expect(second.response.status).toBe(429);
    expect(second.response.headers.get('x-ratelimit-limit-requests')).toBe('1');
    expect(JSON.parse(second.text)).toMatchObject({ error: { type: 'rate_limit_error', code: 'rate_limit_exceeded' } });
  });

  test("text.format's schema is prompt: it is reserved against a monthly quota like instructions are", async () => {
    // Prepare: a schema of some 10,000 tokens, and a key whose whole month is 5,000.
    const limited = await harness.createKey({ limits: { monthlyTokens: 5_000 } });
    const description = 'routers and models '.repeat(2_000);
    const schema = { type: 'object', properties: { answer: { type: 'string', description } }, required: ['answer'] };

    // Act
    const { response, text } = await post(
      { model: 'mock-small', input: 'hi', max_output_tokens: 10, text: { format: { type: 'json_schema', name: 'out', schema } } },
      { apiKey: limited.key },
    );

    // Assess
    expect(response.status).toBe(400);
    expect(JSON.parse(text)).toMatchObject({ error: { code: 'request_exceeds_limit' } });
  });

  test('a model the key may not use is refused before any call', async () => {
    // Prepare
    const restricted = await harness.createKey({ models: ['mock-small'] });

    // Act
    const { response, text } = await post({ model: 'gpt-fake', input: 'hi' }, { apiKey: restricted.key });

    // Assess
    expect(response.status).toBe(403);
    expect(JSON.parse(text)).toMatchObject({ error: { code: 'model_not_allowed', param: 'model' } });
  });
});

describe('guardrails', () => {
  test('an e-mail in the input is replaced before the model sees it, and put back in the answer', async () => {
    // Act
    const { response, text } = await post({ model: 'gpt-fake', input: 'Write to jane.doe@example.com today' });

    // Assess
    expect(harness.openaiUpstream.requests.at(-1)?.body).toMatchObject({
      messages: [{ role: 'user', content: 'Write to [EMAIL_1] today' }],
    });
    expect(JSON.parse(text).output[0].content[0].text).toBe('echo: Write to jane.doe@example.com today');
    expect(response.headers.get('x-router-guardrails')).toBe('redact:pii.email');
  });

  test('a payment card is refused with content_policy and the model is never called', async () => {
    // Prepare
    const before = harness.openaiUpstream.requests.length;

    // Act
    const { response, text } = await post({
      model: 'gpt-fake',
      input: [{ role: 'user', content: [{ type: 'input_text', text: 'Charge 4111 1111 1111 1111' }] }],
    });

    // Assess
    expect(response.status).toBe(400);
    expect(JSON.parse(text)).toMatchObject({ error: { code: 'content_policy', param: 'pii.payment_card' } });
    expect(harness.openaiUpstream.requests.length).toBe(before);
  });

  test("max_output_tokens above the policy's cap is lowered to it, and says so", async () => {
    // Act
    const { response } = await post({ model: 'gpt-fake', input: 'hi', max_output_tokens: 5000 });

    // Assess
    expect(harness.openaiUpstream.requests.at(-1)?.body).toMatchObject({ max_completion_tokens: 1000 });
    expect(response.headers.get('x-router-max-tokens')).toBe('1000');
  });

  test('a deny-listed phrase in a streamed answer ends the stream with an error event, not a completed response', async () => {
    // Prepare
    harness.openaiUpstream.enqueue({ kind: 'reply', text: 'The plan is codename zebra, as agreed.' });

    // Act
    const { response, text } = await post({ model: 'gpt-fake', input: 'What is the plan?', stream: true });

    // Assess
    const names = events(text).map((event) => event.name);
    expect(response.status).toBe(200);
    expect(names.slice(-2)).toEqual(['error', 'response.failed']);
    expect(names).not.toContain('response.completed');
    expect(events(text).at(-2)?.data).toMatchObject({ type: 'error', code: 'content_policy' });
    expect(text).not.toContain('zebra');
  });
});

describe('failures', () => {
  test('an upstream error before the first byte is the same JSON error as on chat completions', async () => {
    // Prepare
    harness.openaiUpstream.setBehavior({ kind: 'error', status: 400, message: 'bad request upstream' });

    // Act
    const { response, text } = await post({ model: 'gpt-fake', input: 'hi', stream: true });

    // Assess
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/application\/json/);
    expect(JSON.parse(text)).toMatchObject({ error: { type: 'invalid_request_error' } });
  });

  test('a stream cut after its first byte ends with error and response.failed, and is billed as an estimate', async () => {
    // Prepare
    harness.openaiUpstream.enqueue({ kind: 'cut', afterChunks: 3 });

    // Act
    const { response, text, requestId } = await post({ model: 'gpt-fake', input: 'hello there friend', stream: true });

    // Assess
    const received = events(text);
    expect(response.status).toBe(200);
    expect(received.at(-2)?.data).toEqual({
      type: 'error',
      sequence_number: received.length - 2,
      code: 'upstream_stream_cut',
      message: expect.any(String),
      param: null,
    });
    // The output guardrail holds the short text back until it is checked: none of it went out.
    expect(received.at(-1)?.data).toMatchObject({
      type: 'response.failed',
      response: { status: 'failed', error: { code: 'upstream_stream_cut' }, usage: null },
    });
    expect(received.map((event) => event.name)).not.toContain('response.completed');
    expect(usageEventOf(requestId)[0]?.detail).toMatchObject({ stream: true, usage: { estimated: true } });
  });

  test('the openai SDK raises the error event of a cut stream', async () => {
    // Prepare
    harness.openaiUpstream.enqueue({ kind: 'cut', afterChunks: 3 });

    // Act
    const read = async () => {
      const stream = await harness.client(key).responses.create({ model: 'gpt-fake', input: 'hello there', stream: true });
      for await (const _ of stream) {
        // drain
      }
    };

    // Assess
    await expect(read()).rejects.toMatchObject({ message: expect.stringMatching(/before it was complete/) });
  });

  test("the AI SDK's streamText reports the error of a cut stream", async () => {
    // Prepare
    harness.openaiUpstream.enqueue({ kind: 'cut', afterChunks: 3 });
    const errors: unknown[] = [];

    // Act
    const result = streamText({
      model: createOpenAI({ baseURL: `${harness.router.url}/v1`, apiKey: key })('gpt-fake'),
      prompt: 'hello there',
      maxRetries: 0,
      onError: ({ error }) => {
        errors.push(error);
      },
    });
    await result.consumeStream();

    // Assess
    expect(errors.length).toBeGreaterThan(0);
    expect(String((errors[0] as Error).message)).toMatch(/before it was complete/);
  });
});

describe('what the router refuses', () => {
  test.each([
    {
      name: 'previous_response_id',
      body: { previous_response_id: 'resp_abc' },
      param: 'previous_response_id',
      message: /stateless.*send the whole conversation as input/,
    },
    { name: 'a conversation', body: { conversation: 'conv_1' }, param: 'conversation', message: /stateless/ },
    { name: 'a background response', body: { background: true }, param: 'background', message: /use stream: true/ },
    { name: 'a stored prompt', body: { prompt: { id: 'pmpt_1' } }, param: 'prompt', message: /send the prompt as instructions/ },
    {
      name: 'an item reference',
      body: { input: [{ type: 'item_reference', id: 'msg_1' }] },
      param: 'input[0].type',
      message: /item_reference is not supported.*send the item itself/,
    },
    {
      name: 'a hosted tool',
      body: { tools: [{ type: 'web_search' }] },
      param: 'tools[0].type',
      message: /only function tools are supported/,
    },
    {
      name: 'an input item the chat shape cannot carry',
      body: { input: [{ type: 'computer_call_output', call_id: 'c1', output: {} }] },
      param: 'input[0].type',
      message: /'computer_call_output' is not supported/,
    },
    {
      name: 'a tool role message',
      body: { input: [{ role: 'tool', content: 'x' }] },
      param: 'input[0].role',
      message: /function_call_output/,
    },
    {
      name: 'a file by URL',
      body: { input: [{ role: 'user', content: [{ type: 'input_file', file_url: 'https://example.com/a.pdf' }] }] },
      param: 'input[0].content[0].file_url',
      message: /send the file as file_data/,
    },
    {
      name: 'a forced function that is not in tools',
      body: { tool_choice: { type: 'function', name: 'nope' } },
      param: 'tool_choice',
      message: /'nope', which is not in tools/,
    },
  ])('$name: 400 naming the field and what to send instead', async ({ body, param, message }) => {
    // Prepare
    const before = harness.openaiUpstream.requests.length;

    // Act
    const { response, text } = await post({ model: 'gpt-fake', input: 'hi', ...body });

    // Assess
    expect(response.status).toBe(400);
    expect(JSON.parse(text)).toMatchObject({ error: { type: 'invalid_request_error', param, message } });
    expect(harness.openaiUpstream.requests.length).toBe(before);
  });

  test('fields that only tune OpenAI’s own service are accepted and have no effect', async () => {
    // Act
    const { response, text } = await post({
      model: 'gpt-fake',
      input: 'hi',
      store: true,
      include: ['reasoning.encrypted_content'],
      truncation: 'auto',
      service_tier: 'auto',
      stream_options: { include_obfuscation: false },
    });

    // Assess
    expect(response.status).toBe(200);
    expect(JSON.parse(text)).toMatchObject({ status: 'completed', store: false });
    expect(harness.openaiUpstream.requests.at(-1)?.body).not.toHaveProperty('include');
  });
});
