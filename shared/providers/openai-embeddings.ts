import { fromBase64Vector } from '../api/embeddings-response.ts';
import { estimateEmbeddingUsage } from './embedding-usage.ts';
import type { EmbeddingRequest, EmbeddingResult, ModelTarget, ProviderCallOptions } from './types.ts';
import { readJsonBody } from './upstream-body.ts';
import { upstreamProtocolError } from './upstream-errors.ts';
import { cachedEndpoints, postUpstream, type UpstreamEndpoint, upstreamUrl } from './upstream-fetch.ts';

// `POST {baseUrl}/embeddings` on an OpenAI-compatible upstream. Only the fields the router knows are
// sent (the inputs as the guardrails left them); `encoding_format` is left to its default, float,
// which every compatible server speaks, and the router encodes base64 itself for the client.

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** One vector of the answer: floats, or base64 from servers that send it regardless. */
const vectorOf = (embedding: unknown): number[] | undefined => {
  if (typeof embedding === 'string') return fromBase64Vector(embedding);
  return Array.isArray(embedding) && embedding.every((value) => typeof value === 'number') ? embedding : undefined;
};

export const createOpenAIEmbed = (
  baseUrlDefault: string,
  headersOf: (target: ModelTarget) => Record<string, string>,
): ((request: EmbeddingRequest, target: ModelTarget, options: ProviderCallOptions) => Promise<EmbeddingResult>) => {
  const endpointOf = cachedEndpoints(
    (target): UpstreamEndpoint => ({
      url: upstreamUrl(target.config.baseUrl ?? baseUrlDefault, '/embeddings', target.config.query),
      headers: headersOf(target),
    }),
  );

  return async (request, target, options) => {
    const body = {
      model: target.config.upstreamModel ?? target.config.id,
      input: [...request.input],
      ...(request.dimensions === undefined ? {} : { dimensions: request.dimensions }),
      ...(request.user === undefined ? {} : { user: request.user }),
    };
    const call = await postUpstream({ ...endpointOf(target), body, stream: false }, target, options);
    const answer = await readJsonBody(call);
    const data = isObject(answer) && Array.isArray(answer.data) ? answer.data : undefined;
    if (!data || data.length !== request.input.length) {
      throw upstreamProtocolError('openai', target.config.id, `expected ${request.input.length} embeddings`);
    }
    // Servers may list the vectors in any order: `index` says which input each belongs to.
    const embeddings: number[][] = new Array(request.input.length);
    for (const [position, item] of data.entries()) {
      const index = isObject(item) && typeof item.index === 'number' ? item.index : position;
      const vector = isObject(item) ? vectorOf(item.embedding) : undefined;
      if (!vector || index < 0 || index >= embeddings.length || embeddings[index] !== undefined) {
        throw upstreamProtocolError('openai', target.config.id, `embedding ${position} is not a vector of an input`);
      }
      embeddings[index] = vector;
    }
    const usage = isObject(answer) && isObject(answer.usage) ? answer.usage : undefined;
    const promptTokens = usage?.prompt_tokens;
    return {
      embeddings,
      usage:
        typeof promptTokens === 'number'
          ? { promptTokens, completionTokens: 0, cachedTokens: 0, estimated: false }
          : estimateEmbeddingUsage(request.input),
    };
  };
};
