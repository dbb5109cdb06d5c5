import type { ChatRequest } from '../api/chat-request.ts';
import { InternalError } from '../errors.ts';
import type { Outcome } from '../http/request-state.ts';
import type { HandlerContext } from '../http/route-spec.ts';
import { SSE_HEADERS, sseStream } from '../http/sse-stream.ts';
import { type HttpResponse, jsonResponse } from '../http/types.ts';
import type { CompletionResult } from '../providers/types.ts';
import { costMicros } from '../usage/cost.ts';
import { estimateUsage } from '../usage/estimate-tokens.ts';

/** The chat request and the chosen model, which earlier middlewares must have settled. */
const prepare = ({ state, runtime }: HandlerContext) => {
  const chat = state.chat;
  const decision = state.decision;
  const target = decision ? runtime.targets.get(decision.model.id) : undefined;
  if (!chat || !decision || !target)
    throw new InternalError(new Error('inference route reached the handler without a routing decision'));
  return { chat, target, provider: runtime.providers[target.config.provider] };
};

/** Calls the chosen model for a complete (non-streamed) answer and records usage and cost. */
export const completeChat = async (context: HandlerContext): Promise<CompletionResult> => {
  const { state, signal } = context;
  const { chat, target, provider } = prepare(context);
  state.outcome = { modelId: target.config.id, provider: provider.name, stream: false };
  const result = await provider.complete(chat, target, { signal, requestId: state.requestId });
  state.outcome.usage = result.usage;
  state.outcome.costMicros = costMicros(target.config.pricing, result.usage);
  return result;
};

const streamChat = async (context: HandlerContext, chat: ChatRequest): Promise<HttpResponse> => {
  const { state, signal } = context;
  const { target, provider } = prepare(context);
  const outcome: Outcome = { modelId: target.config.id, provider: provider.name, stream: true };
  state.outcome = outcome;
  // The client's disconnect must cancel the upstream call too, not only stop our writes.
  const clientGone = new AbortController();
  const events = provider
    .stream(chat, target, { signal: AbortSignal.any([signal, clientGone.signal]), requestId: state.requestId })
    [Symbol.asyncIterator]();
  // Wait for the first event before answering: an upstream that fails before its first byte
  // still gets a proper error status (and, with fallbacks, another model).
  const first = await events.next();
  if (first.done) throw new InternalError(new Error('provider stream ended without any event'));
  state.outcome.timeToFirstTokenMs = Math.round(performance.now() - state.startedAt);
  const body = sseStream(first.value, events, {
    includeUsage: chat.stream_options?.include_usage === true,
    onUsage: (usage) => {
      Object.assign(outcome, { usage, costMicros: costMicros(target.config.pricing, usage) });
    },
    onError: (error, streamedText) => {
      // What was streamed before the cut was produced and is accounted for, as an estimate.
      const usage = estimateUsage(chat, streamedText);
      Object.assign(outcome, {
        usage,
        costMicros: costMicros(target.config.pricing, usage),
        streamError: (error as Error).message,
      });
    },
    onClientClose: () => clientGone.abort(new Error('client closed the connection')),
  });
  return { statusCode: 200, headers: { ...SSE_HEADERS }, body };
};

/** `POST /v1/chat/completions`, JSON or SSE. */
export const chatCompletions = async (context: HandlerContext): Promise<HttpResponse> => {
  const { chat } = prepare(context);
  if (chat.stream) return streamChat(context, chat);
  const { completion } = await completeChat(context);
  return jsonResponse(200, completion);
};
