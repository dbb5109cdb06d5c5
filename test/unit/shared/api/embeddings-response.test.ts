import { describe, expect, test } from 'vitest';
import { embeddingInputs, embeddingsRequestSchema } from '#shared/api/embeddings-request.ts';
import { fromBase64Vector, toBase64Vector, toEmbeddingsResponse } from '#shared/api/embeddings-response.ts';

describe('embeddingsRequestSchema', () => {
  test.each([
    { input: 'one', inputs: ['one'] },
    { input: ['one', 'two'], inputs: ['one', 'two'] },
  ])('takes a string or a list of strings: $input', ({ input, inputs }) => {
    // Act
    const request = embeddingsRequestSchema.parse({ model: 'embed', input });

    // Assess
    expect(embeddingInputs(request)).toEqual(inputs);
  });

  test.each([
    { input: [[1, 2]], message: /token arrays are not accepted/ },
    { input: [1, 2], message: /token arrays are not accepted/ },
    { input: '', message: /an input must not be an empty string/ },
    { input: [], message: /input must not be an empty array/ },
    { input: Array.from({ length: 2049 }, () => 'x'), message: /input takes at most 2048 strings/ },
    { input: undefined, message: /input is required/ },
  ])('refuses $input', ({ input, message }) => {
    // Act
    const result = embeddingsRequestSchema.safeParse({ model: 'embed', input });

    // Assess
    expect(result.error?.issues[0]?.message).toMatch(message);
  });

  test('drops fields it does not know, so only checked fields reach an upstream', () => {
    // Act
    const request = embeddingsRequestSchema.parse({ model: 'embed', input: 'x', vendor: 'y', encoding_format: 'base64' });

    // Assess
    expect(request).toEqual({ model: 'embed', input: 'x', encoding_format: 'base64' });
  });
});

describe('toEmbeddingsResponse', () => {
  test("OpenAI's list, floats or base64 (little-endian float32), input tokens only", () => {
    // Prepare
    const vectors = [
      [0.5, -0.25],
      [1, 0],
    ];
    const usage = { promptTokens: 7, completionTokens: 0, cachedTokens: 0, estimated: false };

    // Act
    const floats = toEmbeddingsResponse(vectors, 'embed', usage, 'float');
    const base64 = toEmbeddingsResponse(vectors, 'embed', usage, 'base64');

    // Assess
    expect(floats).toEqual({
      object: 'list',
      data: [
        { object: 'embedding', index: 0, embedding: [0.5, -0.25] },
        { object: 'embedding', index: 1, embedding: [1, 0] },
      ],
      model: 'embed',
      usage: { prompt_tokens: 7, total_tokens: 7 },
    });
    expect(base64.data[0]?.embedding).toBe('AAAAPwAAgL4=');
    expect(fromBase64Vector(toBase64Vector([0.1, 2.5]))).toEqual([Math.fround(0.1), 2.5]);
  });
});
