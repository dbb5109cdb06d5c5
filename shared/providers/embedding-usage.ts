import type { Usage } from '../api/chat-response.ts';
import { estimateTextTokens } from '../tokens/estimate-tokens.ts';

/** The input tokens of texts to embed, as the router estimates them, for upstreams that count none (Cohere on Bedrock). */
export const estimateEmbeddingUsage = (input: readonly string[]): Usage => ({
  promptTokens: input.reduce((sum, text) => sum + estimateTextTokens(text), 0),
  completionTokens: 0,
  cachedTokens: 0,
  estimated: true,
});
