import { describe, expect, test } from 'vitest';
import { modelSchema } from '#shared/config/schema.ts';
import { RouterError } from '#shared/errors.ts';
import { createMockProvider } from '#shared/providers/mock.ts';
import { MOCK_EMBEDDING_DIMENSIONS, mockEmbed } from '#shared/providers/mock-embeddings.ts';
import type { ModelTarget, ProviderCallOptions } from '#shared/providers/types.ts';

const target: ModelTarget = { config: modelSchema.parse({ id: 'm', provider: 'mock', capabilities: ['embeddings'] }) };
const options = (): ProviderCallOptions => ({ signal: new AbortController().signal, requestId: 'req-1' });
const dot = (a: readonly number[] = [], b: readonly number[] = []) =>
  a.reduce((sum, value, index) => sum + value * (b[index] ?? 0), 0);

describe('mock embeddings', () => {
  test('are wired into the mock provider', () => {
    // Assess
    expect(createMockProvider().embed).toBe(mockEmbed);
  });

  test('one unit vector per input, the same for the same text, of the default or asked length', async () => {
    // Act
    const result = await mockEmbed({ input: ['red apples', 'red apples', 'blue sky'] }, target, options());
    const short = await mockEmbed({ input: ['red apples'], dimensions: 64 }, target, options());

    // Assess
    const [first, again, other] = result.embeddings;
    expect(first).toHaveLength(MOCK_EMBEDDING_DIMENSIONS);
    expect(again).toEqual(first);
    expect(dot(first, first)).toBeCloseTo(1, 6);
    expect(dot(first, other)).toBeCloseTo(0, 6);
    expect(short.embeddings[0]).toHaveLength(64);
  });

  test('texts sharing words point the same way', async () => {
    // Act
    const { embeddings } = await mockEmbed({ input: ['the quick brown fox', 'the quick brown dog'] }, target, options());

    // Assess: three of four words in common.
    expect(dot(embeddings[0], embeddings[1])).toBeCloseTo(0.75, 6);
  });

  test('usage is the input tokens, exact by definition, and no output', async () => {
    // Act
    const { usage } = await mockEmbed({ input: ['Where is Paris?', 'Where is Paris?'] }, target, options());

    // Assess
    expect(usage).toEqual({ promptTokens: 8, completionTokens: 0, cachedTokens: 0, estimated: false });
  });

  test('refuses vectors longer than any real model gives', async () => {
    // Act
    const refusal = mockEmbed({ input: ['x'], dimensions: 10_000 }, target, options());

    // Assess
    await expect(refusal).rejects.toBeInstanceOf(RouterError);
    await expect(refusal).rejects.toMatchObject({ statusCode: 400, param: 'dimensions' });
  });
});
