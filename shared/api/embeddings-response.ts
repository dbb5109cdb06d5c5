import type { Usage } from './chat-response.ts';

// OpenAI's embeddings response, built by the router from any provider's vectors.

export interface EmbeddingsResponse {
  object: 'list';
  data: Array<{ object: 'embedding'; index: number; embedding: number[] | string }>;
  model: string;
  usage: { prompt_tokens: number; total_tokens: number };
}

/** A vector as OpenAI's base64: its float32 values, little-endian, as the SDKs decode them. */
export const toBase64Vector = (vector: readonly number[]): string => {
  const bytes = Buffer.alloc(vector.length * 4);
  vector.forEach((value, index) => {
    bytes.writeFloatLE(value, index * 4);
  });
  return bytes.toString('base64');
};

/** The float32 values of a base64 vector (an upstream asked for base64 answers in it). */
export const fromBase64Vector = (encoded: string): number[] => {
  const bytes = Buffer.from(encoded, 'base64');
  const vector: number[] = [];
  for (let at = 0; at + 4 <= bytes.length; at += 4) vector.push(bytes.readFloatLE(at));
  return vector;
};

export const toEmbeddingsResponse = (
  vectors: readonly (readonly number[])[],
  model: string,
  usage: Usage,
  format: 'float' | 'base64',
): EmbeddingsResponse => ({
  object: 'list',
  data: vectors.map((vector, index) => ({
    object: 'embedding',
    index,
    embedding: format === 'base64' ? toBase64Vector(vector) : [...vector],
  })),
  model,
  // Embeddings have no output: everything billed is input.
  usage: { prompt_tokens: usage.promptTokens, total_tokens: usage.promptTokens },
});
