import { describe, expect, test } from 'vitest';
import {
  anthropicErrorType,
  toAnthropicErrorBody,
  toAnthropicMessage,
  toAnthropicStopReason,
  toAnthropicUsage,
} from '#shared/api/anthropic-response.ts';
import type { ChatCompletion, Usage } from '#shared/api/chat-response.ts';
import { RateLimitError } from '#shared/errors.ts';

const USAGE: Usage = { promptTokens: 120, completionTokens: 30, cachedTokens: 100, estimated: false };

const completion = (
  message: ChatCompletion['choices'][number]['message'],
  finish: ChatCompletion['choices'][number]['finish_reason'],
) =>
  ({
    id: 'chatcmpl-9',
    object: 'chat.completion',
    created: 1_700_000_000,
    model: 'gpt-fake',
    choices: [{ index: 0, message, finish_reason: finish }],
  }) satisfies ChatCompletion;

describe('toAnthropicMessage', () => {
  test('text and tool calls become content blocks, with Anthropic usage and stop reason', () => {
    // Act
    const message = toAnthropicMessage(
      completion(
        {
          role: 'assistant',
          content: 'Checking.',
          tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
        },
        'tool_calls',
      ),
      USAGE,
    );

    // Assess
    expect(message).toEqual({
      id: 'msg_chatcmpl-9',
      type: 'message',
      role: 'assistant',
      model: 'gpt-fake',
      content: [
        { type: 'text', text: 'Checking.' },
        { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } },
      ],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: { input_tokens: 20, output_tokens: 30, cache_creation_input_tokens: 0, cache_read_input_tokens: 100 },
    });
  });

  test('an upstream id that is already Anthropic-style is kept; no text means no text block', () => {
    // Act
    const message = toAnthropicMessage({ ...completion({ role: 'assistant', content: null }, 'stop'), id: 'msg_01' }, USAGE);

    // Assess
    expect(message.id).toBe('msg_01');
    expect(message.content).toEqual([]);
  });

  test.each([
    { args: 'not json', expected: {} },
    { args: '[1,2]', expected: {} },
    { args: '', expected: {} },
  ])('tool arguments $args that are not a JSON object become an empty input', ({ args, expected }) => {
    // Act
    const message = toAnthropicMessage(
      completion(
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: args } }],
        },
        'tool_calls',
      ),
      USAGE,
    );

    // Assess
    expect(message.content).toEqual([{ type: 'tool_use', id: 'c', name: 'f', input: expected }]);
  });

  test('a refusal is shown as text', () => {
    // Act
    const message = toAnthropicMessage(
      completion({ role: 'assistant', content: null, refusal: 'I cannot help with that.' }, 'content_filter'),
      USAGE,
    );

    // Assess
    expect(message.content).toEqual([{ type: 'text', text: 'I cannot help with that.' }]);
    expect(message.stop_reason).toBe('refusal');
  });
});

describe('toAnthropicStopReason', () => {
  test.each([
    { finish: 'stop', expected: 'end_turn' },
    { finish: 'length', expected: 'max_tokens' },
    { finish: 'tool_calls', expected: 'tool_use' },
    { finish: 'function_call', expected: 'tool_use' },
    { finish: 'content_filter', expected: 'refusal' },
    { finish: null, expected: 'end_turn' },
  ] as const)('$finish -> $expected', ({ finish, expected }) => {
    expect(toAnthropicStopReason(finish)).toBe(expected);
  });
});

test('usage: cache reads leave input_tokens, which never goes below zero', () => {
  // Assess
  expect(toAnthropicUsage({ promptTokens: 5, completionTokens: 1, cachedTokens: 9, estimated: false })).toEqual({
    input_tokens: 0,
    output_tokens: 1,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 9,
  });
});

describe('errors', () => {
  test.each([
    { status: 400, type: 'invalid_request_error' },
    { status: 401, type: 'authentication_error' },
    { status: 403, type: 'permission_error' },
    { status: 404, type: 'not_found_error' },
    { status: 405, type: 'invalid_request_error' },
    { status: 413, type: 'request_too_large' },
    { status: 415, type: 'invalid_request_error' },
    { status: 429, type: 'rate_limit_error' },
    { status: 500, type: 'api_error' },
    { status: 502, type: 'api_error' },
    { status: 503, type: 'overloaded_error' },
    { status: 504, type: 'timeout_error' },
  ])('status $status is $type', ({ status, type }) => {
    expect(anthropicErrorType(status)).toBe(type);
  });

  test("the router's error in Anthropic's shape keeps the message and the router's code", () => {
    // Prepare
    const error = new RateLimitError('Rate limit reached: 60 requests per minute.', {});

    // Act
    const body = toAnthropicErrorBody(error.toJSON(), error.statusCode);

    // Assess
    expect(body).toEqual({
      type: 'error',
      error: { type: 'rate_limit_error', message: 'Rate limit reached: 60 requests per minute.', code: 'rate_limit_exceeded' },
    });
  });
});
