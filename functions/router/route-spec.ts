import type { ZodType } from 'zod';
import type { ChatRequest } from '#shared/api/chat-request.ts';
import type { OpenAIErrorBody } from '#shared/errors.ts';
import type { Endpoint, RequestState } from './http/request-state.ts';
import type { HttpResponse } from './http/types.ts';
import type { RouterRuntime } from './runtime.ts';

export interface HandlerContext {
  state: RequestState;
  runtime: RouterRuntime;
  /** Aborted when the Lambda is about to time out or the client disconnects. */
  signal: AbortSignal;
}

/** One endpoint: how it is matched, who may call it, what body it takes, and what serves it. */
export interface RouteSpec extends Endpoint {
  /** JSON body schema; the parsed value lands in `state.body`. */
  body?: ZodType;
  /** Inference routes turn their body into a chat request, which is then authorized and routed. */
  toChatRequest?: (body: unknown, runtime: RouterRuntime) => ChatRequest;
  handle: (context: HandlerContext) => Promise<HttpResponse>;
  /**
   * The route's own error body, for client APIs whose SDKs expect another shape (Anthropic's
   * Messages API); OpenAI's error JSON when absent. Status and headers stay the router's.
   */
  errorBody?: (error: OpenAIErrorBody, statusCode: number) => unknown;
  /** Another header carrying the request id, where the route's SDK reads its own (Anthropic's: `request-id`). */
  requestIdHeader?: string;
}
