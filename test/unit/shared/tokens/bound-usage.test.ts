import { describe, expect, test } from 'vitest';
import { chatRequestSchema } from '#shared/api/chat-request.ts';
import { boundUsage } from '#shared/tokens/bound-usage.ts';
import { estimatePromptTokens } from '#shared/tokens/estimate-tokens.ts';

const request = (body: Record<string, unknown> = {}) =>
  chatRequestSchema.parse({ model: 'm', messages: [{ role: 'user', content: 'hello there' }], ...body });
const model = { contextWindow: 10_000, maxOutputTokens: 2_000 };
const usage = (promptTokens: number, completionTokens: number, cachedTokens = 0) => ({
  promptTokens,
  completionTokens,
  cachedTokens,
  estimated: false,
});

describe('boundUsage', () => {
  test('plausible usage passes untouched', () => {
    // Prepare
    const reported = usage(120, 400, 100);

    // Act
    const result = boundUsage(reported, request(), model);

    // Assess
    expect(result.usage).toBe(reported);
    expect(result.adjusted).toEqual([]);
  });

  test('a negative prompt count is replaced by the estimate, never credited', () => {
    // Act
    const result = boundUsage(usage(-1_000_000, 10), request(), model);

    // Assess
    expect(result.usage.promptTokens).toBe(estimatePromptTokens(request()));
    expect(result.adjusted).toEqual(['promptTokens']);
  });

  test.each([
    {
      name: 'an absurd prompt is cut to the context window (with slack)',
      reported: usage(1e12, 10),
      field: 'promptTokens',
      value: 12_500,
    },
    {
      name: 'a completion above max_tokens is cut to it',
      reported: usage(10, 5_000),
      field: 'completionTokens',
      value: 300,
      body: { max_tokens: 300 },
    },
    {
      name: "a completion above the model's output limit is cut to it",
      reported: usage(10, 5_000),
      field: 'completionTokens',
      value: 2_000,
    },
    {
      name: 'n choices may each use max_tokens',
      reported: usage(10, 5_000),
      field: 'completionTokens',
      value: 900,
      body: { max_tokens: 300, n: 3 },
    },
    { name: 'cached tokens cannot exceed the prompt', reported: usage(10, 5, 50), field: 'cachedTokens', value: 10 },
    { name: 'a NaN completion counts nothing', reported: usage(10, Number.NaN), field: 'completionTokens', value: 0 },
  ])('$name', ({ reported, field, value, body }) => {
    // Act
    const result = boundUsage(reported, request(body), model);

    // Assess
    expect(result.usage[field as 'promptTokens']).toBe(value);
    expect(result.adjusted).toContain(field);
  });
});
