import { describe, expect, test } from 'vitest';
import { type ChatRequest, chatRequestSchema } from '#shared/api/chat-request.ts';
import { modelSchema } from '#shared/config/schema.ts';
import { fromOpenAIUsage, toOpenAIRequestBody } from '#shared/providers/openai.ts';
import type { ModelTarget } from '#shared/providers/types.ts';

const target = (overrides: Record<string, unknown> = {}): ModelTarget => ({
  config: modelSchema.parse({ id: 'fast', provider: 'openai', ...overrides }),
  apiKey: 'test-openai-key',
});

const request = (fields: Record<string, unknown> = {}): ChatRequest =>
  chatRequestSchema.parse({ model: 'fast', messages: [{ role: 'user', content: 'hi' }], ...fields });

describe('toOpenAIRequestBody', () => {
  test('sends the upstream model name in place of the router model id', () => {
    // Act
    const body = toOpenAIRequestBody(request(), target({ upstreamModel: 'gpt-4o-mini-2024-07-18' }), false);

    // Assess
    expect(body).toEqual({ model: 'gpt-4o-mini-2024-07-18', messages: [{ role: 'user', content: 'hi' }] });
  });

  test('sends the model id when no upstream model is configured', () => {
    // Act
    const body = toOpenAIRequestBody(request({ model: 'auto' }), target(), false);

    // Assess
    expect(body.model).toBe('fast');
  });

  test('withholds metadata, service_tier and store, and keeps unknown and known fields unchanged', () => {
    // Prepare: a priority tier costs the operator more than the configured prices bill; a stored
    // conversation would land in the operator's account.
    const chat = request({
      metadata: { team: 'search' },
      service_tier: 'priority',
      store: true,
      temperature: 0.2,
      seed: 7,
      reasoning_effort: 'low',
      logit_bias: { '50256': -100 },
    });

    // Act
    const body = toOpenAIRequestBody(chat, target(), false);

    // Assess
    expect(body).toEqual({
      model: 'fast',
      messages: [{ role: 'user', content: 'hi' }],
      temperature: 0.2,
      seed: 7,
      reasoning_effort: 'low',
      logit_bias: { '50256': -100 },
    });
  });

  test.each([
    { name: 'no stream options', fields: { stream: true }, expected: { include_usage: true } },
    {
      name: 'include_usage false',
      fields: { stream: true, stream_options: { include_usage: false } },
      expected: { include_usage: true },
    },
    { name: 'null stream options', fields: { stream_options: null }, expected: { include_usage: true } },
    {
      name: 'other stream options',
      fields: { stream_options: { include_obfuscation: false } },
      expected: { include_obfuscation: false, include_usage: true },
    },
  ])('a stream always asks for usage ($name)', ({ fields, expected }) => {
    // Act
    const body = toOpenAIRequestBody(request(fields), target(), true);

    // Assess
    expect(body.stream).toBe(true);
    expect(body.stream_options).toEqual(expected);
  });

  test('a non-stream call strips the stream fields the client sent', () => {
    // Act
    const body = toOpenAIRequestBody(request({ stream: true, stream_options: { include_usage: true } }), target(), false);

    // Assess
    expect(body).not.toHaveProperty('stream');
    expect(body).not.toHaveProperty('stream_options');
  });

  test('does not modify the client request', () => {
    // Prepare
    const chat = request({ metadata: { team: 'search' }, stream: false });
    const before = structuredClone(chat);

    // Act
    toOpenAIRequestBody(chat, target({ upstreamModel: 'gpt-4o' }), true);

    // Assess
    expect(chat).toEqual(before);
  });
});

describe('fromOpenAIUsage', () => {
  test('reads prompt, completion and cached tokens as real counts', () => {
    // Act
    const usage = fromOpenAIUsage({
      prompt_tokens: 120,
      completion_tokens: 30,
      total_tokens: 150,
      prompt_tokens_details: { cached_tokens: 100 },
    });

    // Assess
    expect(usage).toEqual({ promptTokens: 120, completionTokens: 30, cachedTokens: 100, estimated: false });
  });

  test.each([
    {
      name: 'no completion tokens',
      usage: { prompt_tokens: 5 },
      expected: { promptTokens: 5, completionTokens: 0, cachedTokens: 0, estimated: false },
    },
    {
      name: 'null prompt details',
      usage: { prompt_tokens: 5, completion_tokens: 2, prompt_tokens_details: null },
      expected: { promptTokens: 5, completionTokens: 2, cachedTokens: 0, estimated: false },
    },
    { name: 'no prompt tokens', usage: { completion_tokens: 2 }, expected: undefined },
    { name: 'null', usage: null, expected: undefined },
    { name: 'undefined', usage: undefined, expected: undefined },
  ])('$name', ({ usage, expected }) => {
    // Act: upstream JSON, whatever its declared type.
    const result = fromOpenAIUsage(usage as Parameters<typeof fromOpenAIUsage>[0]);

    // Assess
    expect(result).toEqual(expected);
  });
});
