import { describe, expect, test, vi } from 'vitest';
import { modelSchema } from '#shared/config/schema.ts';
import { UpstreamError } from '#shared/errors.ts';
import { createBedrockEmbed, embeddingFamily, type InvokeJson } from '#shared/providers/bedrock/bedrock-embeddings.ts';
import type { ModelTarget, ProviderCallOptions } from '#shared/providers/types.ts';

const target = (upstreamModel: string): ModelTarget => ({
  config: modelSchema.parse({ id: 'embed', provider: 'bedrock', upstreamModel, capabilities: ['embeddings'] }),
});
const options = (): ProviderCallOptions => ({ signal: new AbortController().signal, requestId: 'req-1' });

describe('embeddingFamily', () => {
  test.each([
    { id: 'amazon.titan-embed-text-v2:0', family: 'titan' },
    { id: 'amazon.titan-embed-text-v1', family: 'titan' },
    { id: 'cohere.embed-english-v3', family: 'cohere' },
    { id: 'us.cohere.embed-v4:0', family: 'cohere' },
    { id: 'arn:aws:bedrock:us-east-1::foundation-model/cohere.embed-multilingual-v3', family: 'cohere' },
    { id: 'anthropic.claude-sonnet-4-5', family: undefined },
  ])('$id is $family', ({ id, family }) => {
    // Assess
    expect(embeddingFamily(id)).toBe(family);
  });
});

describe('Titan', () => {
  test('one call per input, vectors in input order, token counts added up', async () => {
    // Prepare
    const invoke = vi.fn<InvokeJson>(async (_target, _options, body) => {
      const text = (body as { inputText: string }).inputText;
      // The longer text answers first: order must come from the input, not from arrival.
      await new Promise((resolve) => setTimeout(resolve, text.length > 3 ? 1 : 10));
      return { embedding: [text.length, 0], inputTextTokenCount: text.length, embeddingsByType: { float: [text.length, 1] } };
    });

    // Act
    const result = await createBedrockEmbed(invoke)(
      { input: ['ab', 'abcdef'], dimensions: 256 },
      target('amazon.titan-embed-text-v2:0'),
      options(),
    );

    // Assess
    expect(invoke.mock.calls.map((call) => call[2])).toEqual([
      { inputText: 'ab', dimensions: 256 },
      { inputText: 'abcdef', dimensions: 256 },
    ]);
    expect(result.embeddings).toEqual([
      [2, 1],
      [6, 1],
    ]);
    expect(result.usage).toEqual({ promptTokens: 8, completionTokens: 0, cachedTokens: 0, estimated: false });
  });

  test('v1 answers without embeddingsByType; no token count makes the usage an estimate', async () => {
    // Act
    const result = await createBedrockEmbed(async () => ({ embedding: [0.5] }))(
      { input: ['hello world'] },
      target('amazon.titan-embed-text-v1'),
      options(),
    );

    // Assess
    expect(result.embeddings).toEqual([[0.5]]);
    expect(result.usage.estimated).toBe(true);
  });

  test('one failed input stops the calls still in flight and fails the request', async () => {
    // Prepare
    const aborted: boolean[] = [];
    const failure = new UpstreamError(429, 'throttled', { provider: 'bedrock', retryable: true });
    const invoke: InvokeJson = async (_target, callOptions, body) => {
      if ((body as { inputText: string }).inputText === 'bad') throw failure;
      await new Promise((resolve) => setTimeout(resolve, 20));
      aborted.push(callOptions.signal.aborted);
      return { embedding: [1] };
    };

    // Act
    const result = createBedrockEmbed(invoke)({ input: ['a', 'bad', 'c'] }, target('amazon.titan-embed-text-v2:0'), options());

    // Assess
    await expect(result).rejects.toBe(failure);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(aborted).toEqual([true, true]);
  });
});

describe('Cohere', () => {
  test('batches of 96 texts, as search documents unless told, asking for floats', async () => {
    // Prepare
    const invoke = vi.fn<InvokeJson>(async (_target, _options, body) => {
      const { texts } = body as { texts: string[] };
      return { id: 'x', response_type: 'embeddings_by_type', embeddings: { float: texts.map((text) => [text.length]) }, texts };
    });
    const input = Array.from({ length: 100 }, (_, index) => 'x'.repeat(index + 1));

    // Act
    const result = await createBedrockEmbed(invoke)({ input, dimensions: 512 }, target('cohere.embed-v4:0'), options());
    await createBedrockEmbed(invoke)({ input: ['q'], inputType: 'search_query' }, target('cohere.embed-v4:0'), options());

    // Assess
    const bodies = invoke.mock.calls.map((call) => call[2] as Record<string, unknown>);
    expect(bodies.map((body) => (body.texts as string[]).length)).toEqual([96, 4, 1]);
    expect(bodies[0]).toMatchObject({ input_type: 'search_document', embedding_types: ['float'], output_dimension: 512 });
    expect(bodies[2]).toMatchObject({ input_type: 'search_query' });
    expect(bodies[2]).not.toHaveProperty('output_dimension');
    expect(result.embeddings.map((vector) => vector[0])).toEqual(input.map((text) => text.length));
    expect(result.usage.estimated).toBe(true);
  });

  test('the plain embeddings_floats answer is read too', async () => {
    // Act
    const result = await createBedrockEmbed(async () => ({ response_type: 'embeddings_floats', embeddings: [[0.25, 0.5]] }))(
      { input: ['a'] },
      target('cohere.embed-english-v3'),
      options(),
    );

    // Assess
    expect(result.embeddings).toEqual([[0.25, 0.5]]);
  });

  test('an answer with the wrong number of vectors is a retryable upstream error', async () => {
    // Act
    const result = createBedrockEmbed(async () => ({ embeddings: { float: [[1]] } }))(
      { input: ['a', 'b'] },
      target('cohere.embed-english-v3'),
      options(),
    );

    // Assess
    await expect(result).rejects.toMatchObject({ statusCode: 502, code: 'upstream_bad_response', retryable: true });
  });
});
