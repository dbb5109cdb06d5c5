// The inference core every client API shares: the chat request and decision the middlewares
// settled, the call along the decision's chain (retries, fallbacks, breakers), usage and cost
// recorded in the state, output guardrails. Each API only translates its wire format.

import type { ChatRequest } from '#shared/api/chat-request.ts';
import { toOpenAIUsage, type Usage } from '#shared/api/chat-response.ts';
import type { ModelConfig } from '#shared/config/schema.ts';
import { InternalError } from '#shared/errors.ts';
import { createOutputGuard } from '#shared/guardrails/output-guard.ts';
import { costMicros } from '#shared/pricing/cost.ts';
import type { CompletionResult, ModelTarget, Provider, ProviderCallOptions, StreamEvent } from '#shared/providers/types.ts';
import { upstreamProtocolError } from '#shared/providers/upstream-errors.ts';
import { type FallbackResult, runWithFallback } from '#shared/resilience/run-with-fallback.ts';
import { boundUsage } from '#shared/tokens/bound-usage.ts';
import { estimateUsage } from '#shared/tokens/estimate-tokens.ts';
import type { StreamHooks } from '../http/event-stream.ts';
import type { Outcome } from '../http/request-state.ts';
import type { HandlerContext } from '../route-spec.ts';

async function* prepend(first: StreamEvent, rest: AsyncIterator<StreamEvent>): AsyncGenerator<StreamEvent> {
  try {
    yield first;
    for (;;) {
      const next = await rest.next();
      if (next.done) return;
      yield next.value;
    }
  } finally {
    await rest.return?.();
  }
}

/** Cost of the usage on the serving model and on the premium baseline. */
const costs = (context: HandlerContext, target: ModelTarget, usage: Usage) => ({
  usage,
  costMicros: costMicros(target.config.pricing, usage),
  premiumCostMicros: costMicros(prepare(context).decision.premium.pricing, usage),
});

/** Costs of what the upstream reported, after bounding it to what the request could use (logged when it was not). */
export const upstreamCosts = (context: HandlerContext, target: ModelTarget, reported: Usage) => {
  const { chat } = prepare(context);
  const { usage, adjusted } = boundUsage(reported, chat, target.config);
  if (adjusted.length > 0) {
    context.runtime.counters.increment('usage.upstream_adjusted');
    context.runtime.logger.warn('upstream usage out of bounds, adjusted', {
      requestId: context.state.requestId,
      model: target.config.id,
      fields: adjusted,
      reported: { ...reported },
      billed: { ...usage },
    });
  }
  return costs(context, target, usage);
};

/** The chat request and routing decision, which earlier middlewares must have settled. */
export const prepare = ({ state }: HandlerContext) => {
  const chat = state.chat;
  const decision = state.decision;
  if (!chat || !decision) throw new InternalError(new Error('inference route reached the handler without a routing decision'));
  return { chat, decision };
};

/**
 * Runs `call` along the decision's chain with retries, fallbacks and circuit breakers, and
 * records what happened (attempts, the serving model, its time to first byte) in the state.
 */
export const callModels = async <T>(
  context: HandlerContext,
  signal: AbortSignal,
  call: (provider: Provider, target: ModelTarget, signal: AbortSignal) => Promise<T>,
): Promise<FallbackResult<T> & { target: ModelTarget; provider: Provider }> => {
  const { state, runtime } = context;
  const { decision } = prepare(context);
  const { retry, deadlineMs } = runtime.config.routing;
  state.attempts = [];
  const targetOf = (model: ModelConfig): ModelTarget => runtime.targets.get(model.id) as ModelTarget;
  const result = await runWithFallback(
    {
      chain: [decision.model, ...decision.fallbacks],
      breakers: runtime.breakers,
      retry,
      deadlineMs,
      signal,
      onAttempt: (attempt) => {
        state.attempts?.push(attempt);
        if (attempt.outcome === 'ok') runtime.latency.record(attempt.model, attempt.durationMs);
      },
    },
    (model, attemptSignal) => call(runtime.providers[model.provider], targetOf(model), attemptSignal),
  );
  const target = targetOf(result.model);
  return { ...result, target, provider: runtime.providers[target.config.provider] };
};

/** The output checks for this request's policy and placeholders; what they do is added to the state. */
const outputGuard = ({ state }: HandlerContext) => {
  const format = state.chat?.response_format?.type;
  return createOutputGuard({
    policy: state.guardrailPolicy,
    placeholders: state.placeholders,
    jsonContent: format === 'json_object' || format === 'json_schema',
    onActions: (actions) => {
      state.guardrails?.push(...actions);
    },
  });
};

/** How an attempt asks a provider for an answer: its chat call, unless the client API has its own (legacy completions). */
export type CompleteCall = (
  provider: Provider,
  chat: ChatRequest,
  target: ModelTarget,
  options: ProviderCallOptions,
) => Promise<CompletionResult>;
export type StreamCall = (
  provider: Provider,
  chat: ChatRequest,
  target: ModelTarget,
  options: ProviderCallOptions,
) => AsyncIterable<StreamEvent>;

/** Calls the routed model (with fallbacks) for a complete answer and records usage and cost. */
export const completeChat = async (
  context: HandlerContext,
  complete: CompleteCall = (provider, ...call) => provider.complete(...call),
): Promise<CompletionResult> => {
  const { state, signal } = context;
  const { chat } = prepare(context);
  const { result, target, provider } = await callModels(context, signal, (provider, target, attemptSignal) =>
    complete(provider, chat, target, { signal: attemptSignal, requestId: state.requestId }),
  );
  const billed = upstreamCosts(context, target, result.usage);
  state.outcome = { modelId: target.config.id, provider: provider.name, stream: false, ...billed };
  // The client sees the usage it is billed for.
  const answer =
    billed.usage === result.usage
      ? result
      : { completion: { ...result.completion, usage: toOpenAIUsage(billed.usage) }, usage: billed.usage };
  // Usage is recorded first: an answer the output policy blocks was still produced, and is billed.
  const guard = outputGuard(context);
  return guard ? { ...answer, completion: guard.completion(answer.completion) } : answer;
};

/** A guarded upstream stream, opened (its first event received), with the hooks an encoder calls. */
export interface ChatStream {
  first: StreamEvent;
  rest: AsyncIterator<StreamEvent>;
  hooks: StreamHooks;
}

/**
 * Opens the routed model's stream: retries and fallbacks are possible until the first event, and
 * only then does a 200 go out. The hooks record usage and cost as the encoder meets them.
 */
export const openChatStream = async (
  context: HandlerContext,
  chat: ChatRequest,
  open: StreamCall = (provider, ...call) => provider.stream(...call),
): Promise<ChatStream> => {
  const { state } = context;
  // The client's disconnect must cancel the upstream call too, not only stop our writes.
  const clientGone = new AbortController();
  const { result, target, provider } = await callModels(
    context,
    AbortSignal.any([context.signal, clientGone.signal]),
    async (provider, target, attemptSignal) => {
      const events = open(provider, chat, target, { signal: attemptSignal, requestId: state.requestId })[Symbol.asyncIterator]();
      const first: IteratorResult<StreamEvent> = await events.next();
      if (first.done) throw upstreamProtocolError(provider.name, target.config.id, 'the stream ended before its first event');
      return { events, first: first.value };
    },
  );
  const outcome: Outcome = { modelId: target.config.id, provider: provider.name, stream: true };
  state.outcome = outcome;
  outcome.timeToFirstTokenMs = Math.round(performance.now() - state.startedAt);
  const guard = outputGuard(context);
  let first = result.first;
  let rest: AsyncIterator<StreamEvent> = result.events;
  if (guard) {
    const guarded = guard.stream(prepend(result.first, result.events));
    const head = await guarded.next();
    if (head.done) throw new InternalError(new Error('guarded stream ended before its first event'));
    first = head.value;
    rest = guarded;
  }
  return {
    first,
    rest,
    hooks: {
      requestId: state.requestId,
      onUsage: (usage) => {
        Object.assign(outcome, upstreamCosts(context, target, usage));
      },
      onError: (error, streamedText) => {
        // Usage the upstream reported stands (a refusal at the very end comes after it); else what
        // was streamed before the cut was produced and is accounted for, as an estimate.
        if (!outcome.usage || outcome.usage.estimated)
          Object.assign(outcome, costs(context, target, estimateUsage(chat, streamedText)));
        outcome.streamError = (error as Error).message;
      },
      onClientClose: (streamedText) => {
        // The upstream is stopped at once (a user's "stop" saves tokens). What it produced up to here
        // is billed, as an estimate, and never less prompt than admission reserved.
        if (!outcome.usage) {
          const estimate = estimateUsage(chat, streamedText);
          const promptTokens = Math.max(estimate.promptTokens, prepare(context).decision.features.promptTokens);
          Object.assign(outcome, costs(context, target, { ...estimate, promptTokens }), { streamError: 'client_closed' });
        }
        clientGone.abort(new Error('client closed the connection'));
      },
    },
  };
};
