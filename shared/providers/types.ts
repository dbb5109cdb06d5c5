import type { ChatRequest } from '../api/chat-request.ts';
import type { ChatCompletion, ChatCompletionChunk, Usage } from '../api/chat-response.ts';
import type { ModelConfig, ProviderName } from '../config/schema.ts';

/** A configured model with its secret resolved: everything an adapter needs to call it. */
export interface ModelTarget {
  readonly config: ModelConfig;
  /** Resolved API key (absent for keyless upstreams such as a local Ollama, Bedrock's IAM or mock). */
  readonly apiKey?: string;
}

export interface ProviderCallOptions {
  /** Aborted when the client goes away or the router's deadline passes. */
  readonly signal: AbortSignal;
  readonly requestId: string;
}

export interface CompletionResult {
  /** OpenAI shape, `model` set to the router's model id, `usage` filled in. */
  readonly completion: ChatCompletion;
  readonly usage: Usage;
}

/**
 * What a stream yields: OpenAI chunks in order, and exactly one `usage` event when the upstream
 * finished normally (the router decides whether the client asked to see it).
 */
export type StreamEvent =
  | { readonly type: 'chunk'; readonly chunk: ChatCompletionChunk }
  | { readonly type: 'usage'; readonly usage: Usage };

/**
 * The one interface every provider implements: translate the OpenAI request to the upstream's,
 * call it with timeouts and cancellation, and translate the answer (or stream, or error) back.
 * Errors are thrown as `UpstreamError` (see errors.ts); a stream that ends without the upstream's
 * end marker throws too, so a cut is never mistaken for a finished answer.
 */
export interface Provider {
  readonly name: ProviderName;
  complete(request: ChatRequest, target: ModelTarget, options: ProviderCallOptions): Promise<CompletionResult>;
  stream(request: ChatRequest, target: ModelTarget, options: ProviderCallOptions): AsyncIterable<StreamEvent>;
  /** Embeddings (`/v1/embeddings`), for providers with an embeddings API: one vector per input, in order. */
  embed?(request: EmbeddingRequest, target: ModelTarget, options: ProviderCallOptions): Promise<EmbeddingResult>;
  /**
   * Legacy completions (`/v1/completions`), for upstreams that still have the endpoint. The body
   * is the client's, guarded, and is forwarded as it is but for the model name; the answer comes
   * back in chat shape (each choice's text as its message content, its logprobs as they were), so
   * the output guardrails and billing treat it like any answer.
   */
  completeText?(body: TextCompletionBody, target: ModelTarget, options: ProviderCallOptions): Promise<CompletionResult>;
  /** The streamed form of `completeText`: chat chunks, each text piece as `delta.content`, then the usage event. */
  streamText?(body: TextCompletionBody, target: ModelTarget, options: ProviderCallOptions): AsyncIterable<StreamEvent>;
}

/** Cohere's `input_type` (what the vectors are for); other upstreams have no such field. */
export type EmbeddingInputType = 'search_document' | 'search_query' | 'classification' | 'clustering';

export interface EmbeddingRequest {
  /** The texts to embed, after the input guardrails. */
  readonly input: readonly string[];
  /** The vectors' length, for models that can shorten them. */
  readonly dimensions?: number | undefined;
  readonly inputType?: EmbeddingInputType | undefined;
  readonly user?: string | undefined;
}

export interface EmbeddingResult {
  /** One vector per input, in the inputs' order. */
  readonly embeddings: readonly (readonly number[])[];
  /** Input tokens as `promptTokens` (embeddings produce no output tokens). */
  readonly usage: Usage;
}

/** A legacy completions request body (`prompt`, `suffix`, `echo`, `logprobs`, `best_of`...). */
export type TextCompletionBody = Readonly<Record<string, unknown>>;
