import { describe, expect, it } from 'vitest';
import { type ChatRequest, chatRequestSchema } from '#shared/api/chat-request.ts';
import type { ChatCompletionChunk } from '#shared/api/chat-response.ts';
import { modelSchema } from '#shared/config/schema.ts';
import { InvalidRequestError, UpstreamError } from '#shared/errors.ts';
import {
  anthropicErrorMessage,
  anthropicErrorStatus,
  createAnthropicStreamTranslator,
  fromAnthropicResponse,
  toAnthropicRequest,
} from '#shared/providers/anthropic.ts';
import type { ModelTarget } from '#shared/providers/types.ts';

const target = (overrides: Record<string, unknown> = {}): ModelTarget => ({
  config: modelSchema.parse({ id: 'claude', provider: 'anthropic', upstreamModel: 'claude-sonnet-4-5', ...overrides }),
  apiKey: 'test-anthropic-key',
});

const request = (fields: Record<string, unknown>): ChatRequest =>
  chatRequestSchema.parse({ model: 'claude', messages: [{ role: 'user', content: 'hi' }], ...fields });

const PNG = 'iVBORw0KGgo=';

describe('toAnthropicRequest', () => {
  it('sends the upstream model name, the stream flag and a default max_tokens', () => {
    // Prepare
    const chat = request({});

    // Act
    const body = toAnthropicRequest(chat, target(), true);

    // Assess
    expect(body).toEqual({
      model: 'claude-sonnet-4-5',
      max_tokens: 4096,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
      stream: true,
    });
  });

  it.each([
    {
      name: 'max_completion_tokens wins',
      fields: { max_completion_tokens: 10, max_tokens: 20 },
      config: { maxOutputTokens: 30 },
      expected: 10,
    },
    { name: 'then max_tokens', fields: { max_tokens: 20 }, config: { maxOutputTokens: 30 }, expected: 20 },
    { name: 'then the model config', fields: {}, config: { maxOutputTokens: 30 }, expected: 30 },
    { name: 'then 4096', fields: {}, config: {}, expected: 4096 },
  ])('max_tokens: $name', ({ fields, config, expected }) => {
    // Prepare
    const chat = request(fields);

    // Act
    const body = toAnthropicRequest(chat, target(config), false);

    // Assess
    expect(body.max_tokens).toBe(expected);
  });

  it('moves system and developer messages into one system string', () => {
    // Prepare
    const chat = request({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'developer', content: [{ type: 'text', text: 'Answer in French.' }] },
        { role: 'user', content: 'hi' },
      ],
    });

    // Act
    const body = toAnthropicRequest(chat, target(), false);

    // Assess
    expect(body.system).toBe('Be brief.\n\nAnswer in French.');
    expect(body.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'hi' }] }]);
  });

  it('translates a tool round trip and merges consecutive tool results into one user message', () => {
    // Prepare
    const chat = request({
      messages: [
        { role: 'user', content: 'Weather in Paris and Rome?' },
        {
          role: 'assistant',
          content: 'Checking.',
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
            { id: 'call_2', type: 'function', function: { name: 'weather', arguments: '{"city":"Rome"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '18C' },
        { role: 'tool', tool_call_id: 'call_2', content: [{ type: 'text', text: '25C' }] },
      ],
    });

    // Act
    const body = toAnthropicRequest(chat, target(), false);

    // Assess
    expect(body.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Weather in Paris and Rome?' }] },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Checking.' },
          { type: 'tool_use', id: 'call_1', name: 'weather', input: { city: 'Paris' } },
          { type: 'tool_use', id: 'call_2', name: 'weather', input: { city: 'Rome' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'call_1', content: '18C' },
          { type: 'tool_result', tool_use_id: 'call_2', content: '25C' },
        ],
      },
    ]);
  });

  it('merges same-role neighbours and keeps tool results first', () => {
    // Prepare
    const chat = request({
      messages: [
        { role: 'user', content: 'one' },
        { role: 'user', content: 'two' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '' } }] },
        { role: 'tool', tool_call_id: 'c', content: 'done' },
        { role: 'user', content: 'thanks' },
      ],
    });

    // Act
    const body = toAnthropicRequest(chat, target(), false);

    // Assess
    expect(body.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'one' },
          { type: 'text', text: 'two' },
        ],
      },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'c', name: 'f', input: {} }] },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'c', content: 'done' },
          { type: 'text', text: 'thanks' },
        ],
      },
    ]);
  });

  it.each([
    {
      name: 'a base64 data URL',
      url: `data:image/png;base64,${PNG}`,
      source: { type: 'base64', media_type: 'image/png', data: PNG },
    },
    { name: 'an https URL', url: 'https://example.com/cat.jpg', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
  ])('translates an image from $name', ({ url, source }) => {
    // Prepare
    const chat = request({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url } },
          ],
        },
      ],
    });

    // Act
    const body = toAnthropicRequest(chat, target(), false);

    // Assess
    expect(body.messages[0]?.content).toEqual([
      { type: 'text', text: 'What is this?' },
      { type: 'image', source },
    ]);
  });

  it.each([
    { name: 'invalid JSON arguments', arguments: '{"city":', param: 'messages[1].tool_calls[0].function.arguments' },
    { name: 'non-object arguments', arguments: '[1,2]', param: 'messages[1].tool_calls[0].function.arguments' },
  ])('rejects $name with the param', ({ arguments: args, param }) => {
    // Prepare
    const chat = request({
      messages: [
        { role: 'user', content: 'hi' },
        { role: 'assistant', tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: args } }] },
      ],
    });

    // Act
    const act = () => toAnthropicRequest(chat, target(), false);

    // Assess
    expect(act).toThrow(InvalidRequestError);
    expect(act).toThrow(expect.objectContaining({ param }));
  });

  it.each([
    { name: 'a non-base64 data URL', part: { type: 'image_url', image_url: { url: 'data:image/png,raw' } } },
    { name: 'audio', part: { type: 'input_audio', input_audio: { data: 'AAAA', format: 'wav' } } },
    { name: 'a non-PDF file', part: { type: 'file', file: { file_id: 'file-1' } } },
  ])('rejects $name in user content', ({ part }) => {
    // Prepare
    const chat = request({ messages: [{ role: 'user', content: [part] }] });

    // Act
    const act = () => toAnthropicRequest(chat, target(), false);

    // Assess
    expect(act).toThrow(InvalidRequestError);
  });

  it.each([
    { name: 'auto', choice: 'auto', parallel: undefined, expected: { type: 'auto' } },
    { name: 'required', choice: 'required', parallel: undefined, expected: { type: 'any' } },
    { name: 'none', choice: 'none', parallel: false, expected: { type: 'none' } },
    {
      name: 'a named function',
      choice: { type: 'function', function: { name: 'weather' } },
      parallel: undefined,
      expected: { type: 'tool', name: 'weather' },
    },
    {
      name: 'required without parallel calls',
      choice: 'required',
      parallel: false,
      expected: { type: 'any', disable_parallel_tool_use: true },
    },
    {
      name: 'unset without parallel calls',
      choice: undefined,
      parallel: false,
      expected: { type: 'auto', disable_parallel_tool_use: true },
    },
    { name: 'unset', choice: undefined, parallel: undefined, expected: undefined },
  ])('maps tool_choice $name', ({ choice, parallel, expected }) => {
    // Prepare
    const chat = request({
      tools: [{ type: 'function', function: { name: 'weather', description: 'Get the weather' } }],
      tool_choice: choice,
      parallel_tool_calls: parallel,
    });

    // Act
    const body = toAnthropicRequest(chat, target(), false);

    // Assess
    expect(body.tools).toEqual([
      { name: 'weather', description: 'Get the weather', input_schema: { type: 'object', properties: {} } },
    ]);
    expect(body.tool_choice).toEqual(expected);
  });

  it('maps sampling, stop, user and drops fields Anthropic does not know', () => {
    // Prepare
    const chat = request({
      temperature: 1.7,
      top_p: 0.9,
      stop: 'END',
      user: 'user-42',
      seed: 7,
      presence_penalty: 1,
      metadata: { team: 'a' },
      logprobs: true,
      tool_choice: 'auto',
    });

    // Act
    const body = toAnthropicRequest(chat, target(), false);

    // Assess
    expect(body).toEqual({
      model: 'claude-sonnet-4-5',
      max_tokens: 4096,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
      temperature: 1,
      top_p: 0.9,
      stop_sequences: ['END'],
      metadata: { user_id: 'user-42' },
      stream: false,
    });
  });

  it.each([
    { name: 'json_object', format: { type: 'json_object' }, expectedParts: ['only a valid JSON object'] },
    {
      name: 'json_schema',
      format: { type: 'json_schema', json_schema: { name: 'city', schema: { type: 'object', required: ['name'] } } },
      expectedParts: ['only a valid JSON object', '{"type":"object","required":["name"]}'],
    },
  ])('asks for JSON in the system prompt for $name', ({ format, expectedParts }) => {
    // Prepare
    const chat = request({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'hi' },
      ],
      response_format: format,
    });

    // Act
    const body = toAnthropicRequest(chat, target(), false);

    // Assess
    expect(body.system?.startsWith('Be brief.\n\n')).toBe(true);
    for (const part of expectedParts) expect(body.system).toContain(part);
  });
});

const message = (fields: Record<string, unknown>) => ({
  id: 'msg_1',
  type: 'message',
  role: 'assistant',
  model: 'claude-sonnet-4-5-20250929',
  content: [{ type: 'text', text: 'Hello' }],
  stop_reason: 'end_turn',
  stop_sequence: null,
  usage: { input_tokens: 10, output_tokens: 3 },
  ...fields,
});

describe('fromAnthropicResponse', () => {
  it('translates text, tool use and usage with cache tokens', () => {
    // Prepare
    const body = message({
      content: [
        { type: 'thinking', thinking: 'hmm', signature: 'sig' },
        { type: 'text', text: 'Let me ' },
        { type: 'text', text: 'check.' },
        { type: 'tool_use', id: 'toolu_1', name: 'weather', input: { city: 'Paris' } },
      ],
      stop_reason: 'tool_use',
      usage: { input_tokens: 10, output_tokens: 3, cache_read_input_tokens: 100, cache_creation_input_tokens: 5 },
    });

    // Act
    const { completion, usage } = fromAnthropicResponse(body, 'claude');

    // Assess
    expect(completion).toMatchObject({
      id: 'msg_1',
      object: 'chat.completion',
      model: 'claude',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: 'Let me check.',
            tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } }],
          },
          finish_reason: 'tool_calls',
        },
      ],
      usage: { prompt_tokens: 115, completion_tokens: 3, total_tokens: 118, prompt_tokens_details: { cached_tokens: 100 } },
    });
    expect(Math.abs(completion.created - Date.now() / 1000)).toBeLessThan(5);
    expect(usage).toEqual({ promptTokens: 115, completionTokens: 3, cachedTokens: 100, estimated: false });
  });

  it.each([
    { stopReason: 'end_turn', expected: 'stop' },
    { stopReason: 'stop_sequence', expected: 'stop' },
    { stopReason: 'pause_turn', expected: 'stop' },
    { stopReason: 'max_tokens', expected: 'length' },
    { stopReason: 'tool_use', expected: 'tool_calls' },
    { stopReason: 'refusal', expected: 'content_filter' },
  ])('maps stop_reason $stopReason to $expected', ({ stopReason, expected }) => {
    // Prepare
    const body = message({ stop_reason: stopReason });

    // Act
    const { completion } = fromAnthropicResponse(body, 'claude');

    // Assess
    expect(completion.choices[0]?.finish_reason).toBe(expected);
  });

  it('gives null content when there is no text', () => {
    // Prepare
    const body = message({ content: [], stop_reason: 'refusal' });

    // Act
    const { completion } = fromAnthropicResponse(body, 'claude');

    // Assess
    expect(completion.choices[0]?.message.content).toBeNull();
    expect(completion.choices[0]?.message.tool_calls).toBeUndefined();
  });

  it.each([
    { name: 'not an object', body: 'oops' },
    { name: 'no content', body: message({ content: undefined }) },
    { name: 'no usage', body: message({ usage: undefined }) },
    { name: 'no id', body: message({ id: 42 }) },
  ])('rejects a malformed body ($name)', ({ body }) => {
    // Act
    const act = () => fromAnthropicResponse(body, 'claude');

    // Assess
    expect(act).toThrow(expect.objectContaining({ code: 'upstream_bad_response', statusCode: 502 }));
  });
});

const streamOf = (...events: Record<string, unknown>[]) => events;

const START = {
  type: 'message_start',
  message: {
    id: 'msg_s',
    type: 'message',
    role: 'assistant',
    content: [],
    model: 'claude-sonnet-4-5',
    stop_reason: null,
    usage: { input_tokens: 12, output_tokens: 1, cache_read_input_tokens: 8, cache_creation_input_tokens: 0 },
  },
};

const deltas = (chunks: ChatCompletionChunk[]) =>
  chunks.map((chunk) => ({ delta: chunk.choices[0]?.delta, finish: chunk.choices[0]?.finish_reason }));

describe('createAnthropicStreamTranslator', () => {
  it('translates text and tool use events into OpenAI chunks with one id', () => {
    // Prepare
    const translator = createAnthropicStreamTranslator('claude');
    const events = streamOf(
      START,
      { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'hmm' } },
      { type: 'content_block_stop', index: 0 },
      { type: 'content_block_start', index: 1, content_block: { type: 'text', text: '' } },
      { type: 'ping' },
      { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'Hel' } },
      { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'lo' } },
      { type: 'content_block_stop', index: 1 },
      { type: 'content_block_start', index: 2, content_block: { type: 'tool_use', id: 'toolu_1', name: 'weather', input: {} } },
      { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '' } },
      { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '{"city":' } },
      { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '"Paris"}' } },
      { type: 'content_block_stop', index: 2 },
      { type: 'content_block_start', index: 3, content_block: { type: 'tool_use', id: 'toolu_2', name: 'time', input: {} } },
      { type: 'content_block_delta', index: 3, delta: { type: 'input_json_delta', partial_json: '{}' } },
      { type: 'content_block_stop', index: 3 },
      { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 30 } },
    );

    // Act
    const chunks = events.flatMap((event) => translator.translate(event));
    const finishedBeforeStop = translator.finished;
    translator.translate({ type: 'message_stop' });

    // Assess
    expect(deltas(chunks)).toEqual([
      { delta: { role: 'assistant', content: '' }, finish: null },
      { delta: { content: 'Hel' }, finish: null },
      { delta: { content: 'lo' }, finish: null },
      {
        delta: { tool_calls: [{ index: 0, id: 'toolu_1', type: 'function', function: { name: 'weather', arguments: '' } }] },
        finish: null,
      },
      { delta: { tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }, finish: null },
      { delta: { tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] }, finish: null },
      {
        delta: { tool_calls: [{ index: 1, id: 'toolu_2', type: 'function', function: { name: 'time', arguments: '' } }] },
        finish: null,
      },
      { delta: { tool_calls: [{ index: 1, function: { arguments: '{}' } }] }, finish: null },
      { delta: {}, finish: 'tool_calls' },
    ]);
    expect(new Set(chunks.map((chunk) => `${chunk.id}|${chunk.created}|${chunk.model}|${chunk.object}`))).toEqual(
      new Set([`msg_s|${chunks[0]?.created}|claude|chat.completion.chunk`]),
    );
    expect(finishedBeforeStop).toBe(false);
    expect(translator.finished).toBe(true);
    expect(translator.usage).toEqual({ promptTokens: 20, completionTokens: 30, cachedTokens: 8, estimated: false });
  });

  it('has no usage before message_start', () => {
    // Act
    const translator = createAnthropicStreamTranslator('claude');

    // Assess
    expect(translator.usage).toBeUndefined();
    expect(translator.finished).toBe(false);
  });

  it('rejects content before message_start', () => {
    // Prepare
    const translator = createAnthropicStreamTranslator('claude');

    // Act
    const act = () => translator.translate({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'x' } });

    // Assess
    expect(act).toThrow(expect.objectContaining({ code: 'upstream_bad_response' }));
  });

  it.each([
    { errorType: 'overloaded_error', status: 503, code: 'upstream_unavailable', retryable: true },
    { errorType: 'rate_limit_error', status: 429, code: 'upstream_rate_limited', retryable: true },
    { errorType: 'api_error', status: 502, code: 'upstream_error', retryable: true },
    { errorType: 'invalid_request_error', status: 400, code: 'upstream_invalid_request', retryable: false },
    { errorType: 'authentication_error', status: 502, code: 'upstream_auth_error', retryable: false },
  ])('throws an UpstreamError for an $errorType event', ({ errorType, status, code, retryable }) => {
    // Prepare
    const translator = createAnthropicStreamTranslator('claude', ['secret-key-123']);
    translator.translate(START);

    // Act
    let thrown: unknown;
    try {
      translator.translate({ type: 'error', error: { type: errorType, message: 'bad things with secret-key-123' } });
    } catch (error) {
      thrown = error;
    }

    // Assess
    expect(thrown).toBeInstanceOf(UpstreamError);
    expect(thrown).toMatchObject({ statusCode: status, code, retryable });
    expect((thrown as Error).message).not.toContain('secret-key-123');
  });
});

describe('Anthropic errors', () => {
  it.each([
    { errorType: 'invalid_request_error', status: 400 },
    { errorType: 'authentication_error', status: 401 },
    { errorType: 'permission_error', status: 403 },
    { errorType: 'not_found_error', status: 404 },
    { errorType: 'request_too_large', status: 413 },
    { errorType: 'rate_limit_error', status: 429 },
    { errorType: 'api_error', status: 500 },
    { errorType: 'overloaded_error', status: 529 },
    { errorType: 'something_new', status: 500 },
  ])('maps $errorType to HTTP $status', ({ errorType, status }) => {
    // Act
    const result = anthropicErrorStatus(errorType);

    // Assess
    expect(result).toBe(status);
  });

  it.each([
    {
      body: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } },
      expected: 'overloaded_error: Overloaded',
    },
    { body: { type: 'error', error: { message: 'Overloaded' } }, expected: 'Overloaded' },
    { body: { message: 'not the shape' }, expected: undefined },
  ])('extracts the message from $body', ({ body, expected }) => {
    // Act
    const result = anthropicErrorMessage(body);

    // Assess
    expect(result).toBe(expected);
  });
});
