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
}
