import { setTimeout as sleep } from 'node:timers/promises';
import { InvalidRequestError } from '../errors.ts';
import { estimateEmbeddingUsage } from './embedding-usage.ts';
import type { EmbeddingRequest, EmbeddingResult, ModelTarget, ProviderCallOptions } from './types.ts';

// The mock's embeddings: a pure function of the text, so the same input always gets the same
// vector. Words are hashed into the vector's dimensions (the hashing trick) and the vector is
// scaled to length 1, as real embeddings are: texts that share words point the same way, so a
// demo's similarity search finds something, with no model and no network.

/** text-embedding-3-small's length, so clients sized for OpenAI's default fit. */
export const MOCK_EMBEDDING_DIMENSIONS = 1536;
/** text-embedding-3-large's: beyond it a mock vector only costs memory. */
const MAX_MOCK_DIMENSIONS = 3072;

const WORDS = /[\p{L}\p{N}]+/gu;

/** FNV-1a, 32 bits: stable across runs and platforms. */
const hash = (text: string): number => {
  let value = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    value ^= text.charCodeAt(index);
    value = Math.imul(value, 0x01000193);
  }
  return value >>> 0;
};

/** The mock vector of one text: each word adds ±1 to the dimension it hashes to; then length 1. */
export const mockVector = (text: string, dimensions: number): number[] => {
  const vector = new Array<number>(dimensions).fill(0);
  const words = text.toLowerCase().match(WORDS) ?? [text];
  for (const word of words) {
    const value = hash(word);
    vector[value % dimensions] = (vector[value % dimensions] ?? 0) + (value & 0x8000_0000 ? -1 : 1);
  }
  const length = Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));
  // float32 values, as upstreams send: the float and base64 encodings of a vector then agree exactly.
  return vector.map((value) => (length === 0 ? 0 : Math.fround(value / length)));
};

export const mockEmbed = async (
  request: EmbeddingRequest,
  target: ModelTarget,
  options: ProviderCallOptions,
): Promise<EmbeddingResult> => {
  options.signal.throwIfAborted();
  if (target.config.mock?.latencyMs) await sleep(target.config.mock.latencyMs, undefined, { signal: options.signal });
  const dimensions = request.dimensions ?? MOCK_EMBEDDING_DIMENSIONS;
  if (dimensions > MAX_MOCK_DIMENSIONS) {
    throw new InvalidRequestError(`dimensions must be at most ${MAX_MOCK_DIMENSIONS} for model '${target.config.id}'.`, {
      param: 'dimensions',
      code: 'invalid_value',
    });
  }
  return {
    embeddings: request.input.map((text) => mockVector(text, dimensions)),
    // The mock's count is its own, like its chat usage: exact by definition.
    usage: { ...estimateEmbeddingUsage(request.input), estimated: false },
  };
};
