import type { Usage } from '../../api/chat-response.ts';
import { BEDROCK_EMBEDDING_MODEL } from '../../config/schema.ts';
import { estimateEmbeddingUsage } from '../embedding-usage.ts';
import type { EmbeddingRequest, EmbeddingResult, ModelTarget, ProviderCallOptions } from '../types.ts';
import { upstreamProtocolError } from '../upstream-errors.ts';
import { PROVIDER } from './bedrock-errors.ts';

// Embeddings on Bedrock go through InvokeModel, whose body is each model family's own (Converse has
// no embeddings). Two families are spoken:
// - Amazon Titan Text Embeddings (`amazon.titan-embed-text-v2:0`, v1): one text per call,
//   `{inputText, dimensions?}` -> `{embedding, inputTextTokenCount, embeddingsByType?}`;
// - Cohere Embed (`cohere.embed-english-v3`, `cohere.embed-multilingual-v3`, `cohere.embed-v4:0`):
//   up to 96 texts per call, `{texts, input_type, embedding_types, output_dimension?}` ->
//   `{embeddings: [[...]] | {float: [[...]]}, id, response_type, texts}`, with no token count, so
//   its usage is the router's estimate.

/** Sends one InvokeModel body to the target's model and returns the answer's JSON. */
export type InvokeJson = (target: ModelTarget, options: ProviderCallOptions, body: unknown) => Promise<unknown>;

/** Cohere's limit on texts per call. */
const COHERE_BATCH = 96;
/** Titan calls in flight for one request: enough to hide latency, few enough not to meet the account's throttling at once. */
const TITAN_CONCURRENCY = 8;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;
const isVector = (value: unknown): value is number[] =>
  Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === 'number');

type Family = 'titan' | 'cohere';

/** Which body a Bedrock model id takes, by the pattern the config schema checks embeddings models against. */
export const embeddingFamily = (modelId: string): Family | undefined => {
  const family = BEDROCK_EMBEDDING_MODEL.exec(modelId)?.[2];
  if (family === undefined) return undefined;
  return family.startsWith('amazon.') ? 'titan' : 'cohere';
};

/** Runs `work` over `items` with at most `limit` at a time, keeping the results in order. */
const mapLimited = async <T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> => {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
};

const titanEmbed = async (
  invoke: InvokeJson,
  request: EmbeddingRequest,
  target: ModelTarget,
  options: ProviderCallOptions,
): Promise<EmbeddingResult> => {
  const modelId = target.config.id;
  // One failed text fails the request: the others' calls are stopped rather than paid for in vain.
  const abort = new AbortController();
  const signal = AbortSignal.any([options.signal, abort.signal]);
  const answers = await mapLimited(request.input, TITAN_CONCURRENCY, async (inputText) => {
    const body = { inputText, ...(request.dimensions === undefined ? {} : { dimensions: request.dimensions }) };
    try {
      return await invoke(target, { ...options, signal }, body);
    } catch (error) {
      abort.abort(error);
      throw error;
    }
  });
  let tokens = 0;
  let counted = true;
  const embeddings = answers.map((answer, index) => {
    const byType = isObject(answer) && isObject(answer.embeddingsByType) ? answer.embeddingsByType.float : undefined;
    const vector = isVector(byType) ? byType : isObject(answer) ? answer.embedding : undefined;
    if (!isVector(vector)) throw upstreamProtocolError(PROVIDER, modelId, `no embedding for input ${index}`);
    const count = isObject(answer) ? answer.inputTextTokenCount : undefined;
    if (typeof count === 'number') tokens += count;
    else counted = false;
    return vector;
  });
  const usage: Usage = counted
    ? { promptTokens: tokens, completionTokens: 0, cachedTokens: 0, estimated: false }
    : estimateEmbeddingUsage(request.input);
  return { embeddings, usage };
};

const cohereEmbed = async (
  invoke: InvokeJson,
  request: EmbeddingRequest,
  target: ModelTarget,
  options: ProviderCallOptions,
): Promise<EmbeddingResult> => {
  const modelId = target.config.id;
  const batches: string[][] = [];
  for (let start = 0; start < request.input.length; start += COHERE_BATCH) {
    batches.push(request.input.slice(start, start + COHERE_BATCH));
  }
  const embeddings: number[][] = [];
  // In turn: a request has at most 22 batches (2048 texts), and a throttled account fails fewer calls.
  for (const texts of batches) {
    const answer = await invoke(target, options, {
      texts,
      // Required by Cohere; OpenAI's API has no such field, and documents are what is usually embedded.
      input_type: request.inputType ?? 'search_document',
      embedding_types: ['float'],
      ...(request.dimensions === undefined ? {} : { output_dimension: request.dimensions }),
    });
    const raw = isObject(answer) ? answer.embeddings : undefined;
    // `embeddings_floats` answers a plain list; `embeddings_by_type` (asked for here) a list per type.
    const vectors = isObject(raw) && !Array.isArray(raw) ? raw.float : raw;
    if (!Array.isArray(vectors) || vectors.length !== texts.length || !vectors.every(isVector)) {
      throw upstreamProtocolError(PROVIDER, modelId, `expected ${texts.length} float embeddings`);
    }
    embeddings.push(...vectors);
  }
  return { embeddings, usage: estimateEmbeddingUsage(request.input) };
};

/** The Bedrock provider's `embed`, over its InvokeModel call. */
export const createBedrockEmbed =
  (invoke: InvokeJson) =>
  async (request: EmbeddingRequest, target: ModelTarget, options: ProviderCallOptions): Promise<EmbeddingResult> => {
    const family = embeddingFamily(target.config.upstreamModel ?? target.config.id);
    // The config schema admits no other family for an embeddings model; this guards a hand-built target.
    if (family === undefined) throw upstreamProtocolError(PROVIDER, target.config.id, 'not a Titan or Cohere embeddings model');
    return family === 'titan' ? titanEmbed(invoke, request, target, options) : cohereEmbed(invoke, request, target, options);
  };
