import { contentText } from '#shared/api/chat-request.ts';
import { formatActions } from '#shared/guardrails/guardrail-action.ts';
import { clientKey, type RequestState, servedByFallback, servingModel, upstreamCalls } from '../http/request-state.ts';
import type { RequestSummary } from './request-summary.ts';

/** The request's log line, from its state once the response is done. */
export const summarizeRequest = (
  state: RequestState,
  options: { logPrompts: boolean },
  now = performance.now(),
): RequestSummary => {
  const key = clientKey(state);
  const { outcome, decision } = state;
  const calls = upstreamCalls(state);
  const serving = servingModel(state);
  // Only a prompt that passed the guardrails (and so is redacted) may be logged.
  const lastUser =
    options.logPrompts && state.guardrailsPassed
      ? state.chat?.messages.findLast((message) => message.role === 'user')
      : undefined;
  return {
    requestId: state.requestId,
    method: state.http.method,
    path: state.http.path,
    status: state.statusCode ?? 500,
    latencyMs: Math.round((now - state.startedAt) * 10) / 10,
    ...(key ? { tenant: key.tenant, keyId: key.id } : {}),
    ...(state.chat ? { requestedModel: state.chat.model, stream: state.chat.stream === true } : {}),
    ...(decision ? { tier: decision.tier, reason: decision.reason } : {}),
    ...(serving ? { model: serving.id, provider: serving.provider } : {}),
    ...(calls.length > 0 ? { attempts: calls.length, fallback: servedByFallback(state) } : {}),
    ...(outcome?.usage
      ? {
          promptTokens: outcome.usage.promptTokens,
          completionTokens: outcome.usage.completionTokens,
          cachedTokens: outcome.usage.cachedTokens,
          estimatedUsage: outcome.usage.estimated,
          costMicros: outcome.costMicros ?? 0,
        }
      : {}),
    ...(outcome?.timeToFirstTokenMs !== undefined ? { timeToFirstTokenMs: outcome.timeToFirstTokenMs } : {}),
    ...(state.errorCode ? { errorCode: state.errorCode } : {}),
    ...(outcome?.streamError ? { streamError: outcome.streamError } : {}),
    ...(state.guardrails && state.guardrails.length > 0 ? { guardrails: formatActions(state.guardrails) } : {}),
    ...(lastUser ? { prompt: contentText(lastUser.content).slice(0, 500) } : {}),
  };
};
