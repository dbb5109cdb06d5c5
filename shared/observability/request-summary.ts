import { contentText } from '../api/chat-request.ts';
import { type RequestState, servedByFallback, servingModel, upstreamCalls } from '../http/request-state.ts';

/** The request log line: what an operator needs to follow a request, never its text (unless asked). */
export interface RequestSummary {
  requestId: string;
  method: string;
  path: string;
  status: number;
  latencyMs: number;
  tenant?: string;
  keyId?: string;
  requestedModel?: string;
  model?: string;
  provider?: string;
  tier?: string;
  reason?: string;
  attempts?: number;
  fallback?: boolean;
  promptTokens?: number;
  completionTokens?: number;
  cachedTokens?: number;
  estimatedUsage?: boolean;
  costMicros?: number;
  timeToFirstTokenMs?: number;
  stream?: boolean;
  errorCode?: string;
  streamError?: string;
  guardrails?: string[];
  /** Only with `observability.logPrompts`: the last user message, cut to 500 characters. */
  prompt?: string;
}

export const summarizeRequest = (
  state: RequestState,
  options: { logPrompts: boolean },
  now = performance.now(),
): RequestSummary => {
  const key = state.principal?.kind === 'key' ? state.principal.key : undefined;
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
    ...(state.guardrails && state.guardrails.length > 0
      ? { guardrails: state.guardrails.map((action) => `${action.action}:${action.code}`) }
      : {}),
    ...(lastUser ? { prompt: contentText(lastUser.content).slice(0, 500) } : {}),
  };
};
